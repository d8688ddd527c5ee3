using System.CommandLine;
using System.Globalization;
using Agentic.Core.Execution;
using Agentic.Core.Validation;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Nodes;
using Microsoft.Extensions.DependencyInjection;
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
        var command = new Command("run", "Run a graph embedded, journaling every step, with live progress")
        {
            graphArg, input, db, output, tenant, cap, inMemory, count, policies, prices,
        };
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

            await using var services = CliServices.Build(parse.GetValue(inMemory) ? null : parse.GetValue(db), parse.GetValue(policies), parse.GetValue(prices));
            // Validate before the runtime opens the journal, so an invalid graph never creates or touches a database.
            CommandErrors.PrintDiagnostics(io, GraphValidator.EnsureValid(graph, services.GetRequiredService<NodeRegistry>()));
            if (services.GetService<IPolicySource>() is PolicyFileSource watched)
            {
                // The set in force stays in force; say so where the person running it looks.
                watched.ReloadFailed += refusal => io.ErrorConsole.MarkupLine("[yellow]warning:[/] " + Markup.Escape(refusal));
                watched.Reloaded += set => io.ErrorConsole.MarkupLine(Markup.Escape($"policies reloaded: {set.Version} now in force"));
            }

            var runtime = services.GetRequiredService<AgenticRuntime>();
            await runtime.EnsureVersionPinnedAsync(graph, ct).ConfigureAwait(false);
            var options = new StartLifetimeOptions { Input = payload, TenantId = parse.GetValue(tenant), IterationCap = iterationCap, LifetimeId = null };
            if (parse.GetValue(count) is var n && n != 1)
            {
                return n < 1 ? throw new CliInputException($"--count must be at least 1, got {n}") : await RunManyAsync(io, runtime, graph, options, n, json, ct).ConfigureAwait(false);
            }

            var progress = json ? null : new ProgressPrinter(io.Console);
            using var subscription = progress is null ? null : runtime.Subscribe(progress);
            var handle = runtime.Start(graph, options);
            progress?.Follow(handle.LifetimeId);
            LifetimeOutcome outcome;
            try
            {
                // Settled: ended, or parked waiting for input (or paused by someone else); a parked lifetime is not an error.
                var settled = await runtime.WhenSettledAsync(handle.LifetimeId).WaitAsync(ct).ConfigureAwait(false);
                if (!settled.Phase.IsTerminal())
                {
                    if (progress is not null)
                    {
                        await progress.StopAsync().ConfigureAwait(false);
                        progress = null;
                    }

                    var code = LifetimeOutput.Print(io, settled, json);
                    if (!json)
                    {
                        PrintHint(io, settled);
                    }

                    return code;
                }

                outcome = await handle.Completion.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return io.Fail(ExitCodes.Parked, $"interrupted: lifetime {handle.LifetimeId} is left unfinished in the journal; agentic resume continues it");
            }
            finally
            {
                if (progress is not null)
                {
                    await progress.StopAsync().ConfigureAwait(false);
                }
            }

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
    private static async Task<int> RunManyAsync(CliIo io, AgenticRuntime runtime, Core.Graphs.AgentGraph graph, StartLifetimeOptions options, int count, bool json, CancellationToken ct)
    {
        var started = TimeProvider.System.GetTimestamp();
        var handles = Enumerable.Range(0, count).Select(_ => runtime.Start(graph, options)).ToList();
        if (!json)
        {
            io.Console.MarkupLine($"started {count} lifetimes of {Markup.Escape(graph.ToString())}");
        }

        var views = await Task.WhenAll(handles.Select(h => runtime.WhenSettledAsync(h.LifetimeId))).WaitAsync(ct).ConfigureAwait(false);
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
