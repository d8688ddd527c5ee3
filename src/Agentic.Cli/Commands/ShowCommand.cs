using System.CommandLine;
using Agentic.Core.Execution;
using Agentic.Cli.Remote;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary>
/// <c>agentic show &lt;id&gt;</c>: phase, the executions awaited now, and the timeline. Rebuilt from the journal by
/// replay, so showing a lifetime never runs or re-activates it.
/// </summary>
internal static class ShowCommand
{
    public static Command Create(CliIo io)
    {
        var idArg = new Argument<string>("lifetime-id") { Description = "the lifetime to show" };
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var command = new Command("show", "Show a lifetime: phase, current nodes, timeline") { idArg, db, output };
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            if (remote.Open(parse) is { } client)
            {
                using (client)
                {
                    return await ShowRemoteAsync(io, client, parse.GetValue(idArg)!, parse.GetValue(output) == "json", ct).ConfigureAwait(false);
                }
            }

            await using var cli = CliRuntime.Open(parse.GetValue(db)!);
            var id = parse.GetValue(idArg)!;
            var records = await cli.Journal.ReadAsync(id, 1, ct).ToListAsync(ct).ConfigureAwait(false);
            if (records.Count == 0)
            {
                throw CliRuntime.NotFound(id, parse.GetValue(db)!);
            }

            var report = JournalReplay.Replay(records);
            var start = (LifetimeStartedEntry)records[0];
            var shown = new Shown(id, start.GraphName, start.GraphVersion, report.Phase, report.Executions, report.Iterations, report.Result, report.Awaiting, records.Count, start.ForkOf, start.ForkSequence);
            return Print(io, shown, parse.GetValue(output) == "json", () => JournalCommand.ToJson(records), () => JournalCommand.PrintTimeline(io, records));
        }));
        return command;
    }

    private static async Task<int> ShowRemoteAsync(CliIo io, Agentic.Client.AgenticClient client, string id, bool json, CancellationToken ct)
    {
        var view = RemoteViews.ToView(await client.GetAsync(id, ct).ConfigureAwait(false));
        var records = await client.JournalRecordsAsync(id, ct).ToListAsync(ct).ConfigureAwait(false);
        var shown = new Shown(id, view.GraphName, view.GraphVersion, view.Phase, view.Executions, view.Iterations, view.Result, view.Awaiting, records.Count, null, 0);
        return Print(io, shown, json, () => RemoteViews.ToJson(records), () => RemoteViews.PrintTimeline(io, records));
    }

    /// <summary>A lifetime as shown, from the local journal or a server, then its timeline (as JSON or a table).</summary>
    private static int Print(CliIo io, Shown s, bool json, Func<string> timelineJson, Action printTimeline)
    {
        if (json)
        {
            io.Output.WriteLine(JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("lifetime_id", s.Id);
                w.WriteString("graph", s.Graph);
                w.WriteString("version", s.Version);
                w.WriteString("status", s.Phase.ToWireName());
                if (s.ForkOf is not null)
                {
                    w.WriteString("fork_of", s.ForkOf);
                    w.WriteNumber("fork_sequence", s.ForkSequence);
                }

                w.WriteNumber("executions", s.Executions);
                w.WriteNumber("iterations", s.Iterations);
                JsonText.WritePayload(w, "result", s.Result);
                LifetimeText.WriteAwaiting(w, s.Awaiting);
                w.WritePropertyName("timeline");
                w.WriteRawValue(timelineJson());
                w.WriteEndObject();
            }));
            return ExitCodes.Completed;
        }

        io.Console.MarkupLine($"[bold]lifetime {s.Id}[/]: {s.Phase.ToWireName()} — {Markup.Escape($"{s.Graph} {s.Version}")}, {s.Executions} execution(s), {s.Records} record(s){(s.ForkOf is null ? "" : $", forked from {s.ForkOf} at record {s.ForkSequence}")}");
        if (s.Awaiting.Count > 0)
        {
            io.Console.MarkupLine("awaiting:");
            LifetimeText.PrintAwaiting(io, s.Awaiting);
        }

        printTimeline();
        return ExitCodes.Completed;
    }

    private sealed record Shown(string Id, string Graph, string Version, ExecutionPhase Phase, long Executions, int Iterations, Payload? Result, IReadOnlyList<AwaitedExecution> Awaiting, int Records, string? ForkOf, long ForkSequence);
}
