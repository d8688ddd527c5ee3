using System.CommandLine;
using System.Globalization;
using Agentic.Core.Execution;
using Agentic.Core.Validation;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Lifetimes;
using Agentic.Orleans;
using Agentic.Runtime.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Agentic.Cli.Remote;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic run &lt;graph&gt;</c>: runs a lifetime embedded, with live progress, then a summary.</summary>
internal static class RunCommand
{
    public static Command Create(CliIo io)
    {
        var graphArg = new Argument<string>("graph") { Description = "graph file (.yaml, .yml, .dot) or a folder holding graph.yaml" };
        var input = new Option<string?>("--input", "-i") { Description = "lifetime input: JSON text, or @file holding JSON" };
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var policies = new Option<string?>("--policies") { Description = "guardrail policies to enforce: a YAML file or a folder of them (reloaded when they change)" };
        var tenant = new Option<string>("--tenant") { Description = "tenant the lifetime runs for (tenant-scope policies budget its spend)", DefaultValueFactory = _ => "default" };
        var prices = new Option<string?>("--prices") { Description = "model prices (YAML: models: { NAME: { input_per_million, output_per_million } }) that cost llm usage" };
        var cap = new Option<int?>("--iteration-cap") { Description = "override the graph's iteration cap for this run" };
        var inMemory = new Option<bool>("--in-memory") { Description = "keep the journal in memory only (nothing is written to disk)" };
        var count = new Option<int>("--count") { Description = "start this many lifetimes of the graph at once (prints a summary)", DefaultValueFactory = _ => 1 };
        var remote = new RemoteTarget();
        var command = new Command("run", "Run a graph embedded (or on a server), journaling every step, with live progress")
        {
            graphArg, input, db, output, tenant, cap, inMemory, count, policies, prices,
        };
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            var graph = GraphFiles.Load(parse.GetValue(graphArg)!);
            var payload = InputText.Parse(parse.GetValue(input));
            var json = parse.GetValue(output) == "json";
            var iterationCap = parse.GetValue(cap);
            if (iterationCap is < 1)
            {
                throw new CliInputException($"--iteration-cap must be at least 1, got {iterationCap}");
            }

            if (remote.Read(parse) is { } server)
            {
                if (parse.GetValue(count) != 1 || parse.GetValue(inMemory) || parse.GetValue(policies) is not null || parse.GetValue(prices) is not null)
                {
                    throw new CliInputException("--server runs one lifetime with the server's journal, policies and prices: --count, --in-memory, --policies and --prices do not apply");
                }

                return await RemoteRun.RunAsync(io, server.Url, server.Key, graph, payload, iterationCap, json, ct).ConfigureAwait(false);
            }

            if (graph.Nodes.FirstOrDefault(n => n.Type == "queue") is { } queued)
            {
                // Embedded, nothing would ever poll the queue: say where such a graph runs instead of "unknown type".
                throw new CliInputException($"task '{queued.Name}' is of type queue: workers outside the cluster do it by polling a server's work queue; run the graph there with --server URL");
            }

            var dbPath = parse.GetValue(inMemory) ? null : parse.GetValue(db);
            var settings = new LifetimeSettings(parse.GetValue(policies), parse.GetValue(prices));
            using (var check = CliServices.Build(null, settings.Policies, settings.Prices))
            {
                // Validate before the journal is opened, so an invalid graph never creates or touches a database.
                CommandErrors.PrintDiagnostics(io, GraphValidator.EnsureValid(graph, check.GetRequiredService<NodeRegistry>()));
            }

            if (parse.GetValue(count) is var n && n < 1)
            {
                throw new CliInputException($"--count must be at least 1, got {n}");
            }

            var progress = json || n != 1 ? null : new ProgressPrinter(io.Console);
            await using var silo = await CliSilo.StartAsync(dbPath, settings, progress).ConfigureAwait(false);
            if (silo.Services.GetService<IPolicySource>() is PolicyFileSource watched)
            {
                // The set in force stays in force; say so where the person running it looks.
                watched.ReloadFailed += refusal => io.ErrorConsole.MarkupLine("[yellow]warning:[/] " + Markup.Escape(refusal));
                watched.Reloaded += set => io.ErrorConsole.MarkupLine(Markup.Escape($"policies reloaded: {set.Version} now in force"));
            }

            // A graph whose content changed without a version bump is refused while lifetimes are pinned to the old one.
            var version = graph.Version.ToString();
            if (await silo.Journal.FindPinnedGraphHashAsync(graph.Name, version, ct).ConfigureAwait(false) is { } pinned && pinned != graph.ContentHash)
            {
                throw new GraphVersionConflictException($"graph '{graph.Name}' version {version} has changed: its content hash is {graph.ContentHash}, but lifetimes are pinned to {pinned} under the same version. Bump the graph's version to run the changed graph.");
            }

            var command = new StartLifetimeCommand(graph.CanonicalJson, parse.GetValue(tenant)!, GrainStates.Data(payload), iterationCap);
            if (n != 1)
            {
                return await RunManyAsync(io, silo, graph, command, n, json, ct).ConfigureAwait(false);
            }

            var id = CliSilo.NewLifetimeId();
            var lifetime = silo.Grains.GetGrain<IAgentLifetimeGrain>(id);
            progress?.Follow(id);
            var startedAt = TimeProvider.System.GetUtcNow();
            LifetimeState settled;
            try
            {
                await GrainStates.Call(() => lifetime.StartAsync(command)).ConfigureAwait(false);
                // Settled: ended, or parked waiting for input (or paused); a parked lifetime is not an error.
                settled = await lifetime.WhenSettledAsync().WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return io.Fail(ExitCodes.Parked, $"interrupted: lifetime {id} is left unfinished in the journal; agentic resume continues it");
            }
            finally
            {
                if (progress is not null)
                {
                    await progress.StopAsync().ConfigureAwait(false);
                }
            }

            if (!settled.HasEnded)
            {
                var view = GrainStates.ToView(settled);
                var code = LifetimeOutput.Print(io, view, json);
                if (!json)
                {
                    PrintHint(io, view);
                }

                return code;
            }

            var outcome = GrainStates.ToOutcome(settled, startedAt, TimeProvider.System.GetUtcNow());
            if (json)
            {
                io.Output.WriteLine(ToJson(outcome));
            }
            else
            {
                PrintSummary(io, outcome);
            }

            return LifetimeOutput.CodeOf(outcome.Phase);
        }));
        return command;
    }

    /// <summary>Starts <paramref name="count"/> lifetimes at once (load, and the crash-recovery test) and prints a summary.</summary>
    private static async Task<int> RunManyAsync(CliIo io, CliSilo silo, Core.Graphs.AgentGraph graph, StartLifetimeCommand command, int count, bool json, CancellationToken ct)
    {
        var started = TimeProvider.System.GetTimestamp();
        var lifetimes = Enumerable.Range(0, count).Select(_ => silo.Grains.GetGrain<IAgentLifetimeGrain>(CliSilo.NewLifetimeId())).ToList();
        await Task.WhenAll(lifetimes.Select(l => GrainStates.Call(() => l.StartAsync(command)))).ConfigureAwait(false);
        if (!json)
        {
            io.Console.MarkupLine($"started {count} lifetimes of {Markup.Escape(graph.ToString())}");
        }

        var views = await Task.WhenAll(lifetimes.Select(async l => GrainStates.ToView(await l.WhenSettledAsync().ConfigureAwait(false)))).WaitAsync(ct).ConfigureAwait(false);
        var elapsed = TimeProvider.System.GetElapsedTime(started);
        return SettledSummary.Print(io, views, elapsed, json, "settled", "lifetimes", "wall_ms", listLifetimes: false);
    }

    /// <summary>What to do next with a parked lifetime: the exact command, with the execution id it waits on.</summary>
    private static void PrintHint(CliIo io, LifetimeView view)
    {
        var id = view.LifetimeId;
        switch (view.Phase)
        {
            case ExecutionPhase.Waiting:
                foreach (var awaited in view.Awaiting.Where(a => a.Phase == ExecutionPhase.Waiting))
                {
                    io.Console.MarkupLine(Markup.Escape($"lifetime {id} waits for input to {awaited.NodeName}: agentic input {id} {awaited.ExecutionId} '<json>'"));
                }

                break;
            case ExecutionPhase.Paused:
                io.Console.MarkupLine(Markup.Escape($"lifetime {id} is paused{(view.Reason is null ? "" : $" ({view.Reason})")}: agentic resume {id}"));
                break;
            default:
                io.Console.MarkupLine(Markup.Escape($"lifetime {id} is {view.Phase.ToWireName()}: agentic show {id}"));
                break;
        }
    }

    internal static string ToJson(LifetimeOutcome o) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("lifetime_id", o.LifetimeId);
        w.WriteString("graph", o.GraphName);
        w.WriteString("version", o.GraphVersion);
        w.WriteString("tenant", o.TenantId);
        w.WriteString("status", o.Phase.ToWireName());
        JsonText.WritePayload(w, "result", o.Result);
        if (o.Reason is not null)
        {
            w.WriteString("reason", o.Reason);
        }

        w.WriteNumber("executions", o.Executions);
        w.WriteNumber("iterations", o.Iterations);
        w.WriteNumber("tokens_used", o.TokensUsed);
        w.WriteNumber("cost_usd", o.CostUsd);
        w.WriteNumber("duration_ms", Math.Round(o.Duration.TotalMilliseconds, 3));
        w.WriteEndObject();
    });

    private static void PrintSummary(CliIo io, LifetimeOutcome o)
    {
        var ok = o.Phase == ExecutionPhase.Completed;
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("field").AddColumn("value");
        table.AddRow("status", $"[{(ok ? "green" : "red")}]{o.Phase.ToWireName()}[/]");
        if (o.Reason is not null)
        {
            table.AddRow("reason", Markup.Escape(o.Reason));
        }

        table.AddRow("lifetime", o.LifetimeId);
        table.AddRow("graph", Markup.Escape($"{o.GraphName} {o.GraphVersion}"));
        table.AddRow("executions", o.Executions.ToString(CultureInfo.InvariantCulture));
        table.AddRow("iterations", o.Iterations.ToString(CultureInfo.InvariantCulture));
        table.AddRow("spent", UsageText.Spend(o.TokensUsed, o.CostUsd));
        table.AddRow("duration", $"{o.Duration.TotalMilliseconds:0.###} ms");
        table.AddRow("result", Markup.Escape(JsonText.Shorten(o.Result?.ToJsonString() ?? "null", 400)));
        io.Console.Write(table);
    }
}
