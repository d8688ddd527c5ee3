using System.CommandLine;
using System.Globalization;
using Agentic.Core.Execution;
using Agentic.Core.Validation;
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
        var tenant = new Option<string>("--tenant") { Description = "tenant the lifetime runs for", DefaultValueFactory = _ => "default" };
        var cap = new Option<int?>("--iteration-cap") { Description = "override the graph's iteration cap for this run" };
        var inMemory = new Option<bool>("--in-memory") { Description = "keep the journal in memory only (nothing is written to disk)" };
        var command = new Command("run", "Run a graph embedded, journaling every step, with live progress")
        {
            graphArg, input, db, output, tenant, cap, inMemory,
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

            await using var services = CliServices.Build(parse.GetValue(inMemory) ? null : parse.GetValue(db));

            // Validate before the runtime opens the journal, so an invalid graph never creates or touches a database.
            CommandErrors.PrintDiagnostics(io, GraphValidator.EnsureValid(graph, services.GetRequiredService<NodeRegistry>()));
            var runtime = services.GetRequiredService<AgenticRuntime>();
            var progress = json ? null : new ProgressPrinter(io.Console);
            using var subscription = progress is null ? null : runtime.Subscribe(progress);
            var handle = runtime.Start(graph, new StartLifetimeOptions { Input = payload, TenantId = parse.GetValue(tenant), IterationCap = iterationCap, LifetimeId = null });
            progress?.Follow(handle.LifetimeId);
            LifetimeOutcome outcome;
            try
            {
                outcome = await handle.Completion.WaitAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return io.Fail(ExitCodes.FailedOrAborted, $"interrupted: lifetime {handle.LifetimeId} is left unfinished in the journal");
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

            return outcome.Phase == ExecutionPhase.Completed ? ExitCodes.Completed : ExitCodes.FailedOrAborted;
        }));
        return command;
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
        table.AddRow("duration", $"{o.Duration.TotalMilliseconds:0.###} ms");
        table.AddRow("result", Markup.Escape(JsonText.Shorten(o.Result?.ToJsonString() ?? "null", 400)));
        io.Console.Write(table);
    }
}
