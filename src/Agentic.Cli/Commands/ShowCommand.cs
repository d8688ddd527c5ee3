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
            if (parse.GetValue(output) == "json")
            {
                io.Output.WriteLine(JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("lifetime_id", id);
                    w.WriteString("graph", start.GraphName);
                    w.WriteString("version", start.GraphVersion);
                    w.WriteString("status", report.Phase.ToWireName());
                    if (start.ForkOf is not null)
                    {
                        w.WriteString("fork_of", start.ForkOf);
                        w.WriteNumber("fork_sequence", start.ForkSequence);
                    }

                    w.WriteNumber("executions", report.Executions);
                    w.WriteNumber("iterations", report.Iterations);
                    JsonText.WritePayload(w, "result", report.Result);
                    LifetimeText.WriteAwaiting(w, report.Awaiting);
                    w.WritePropertyName("timeline");
                    w.WriteRawValue(JournalCommand.ToJson(records));
                    w.WriteEndObject();
                }));
                return ExitCodes.Completed;
            }

            io.Console.MarkupLine($"[bold]lifetime {id}[/]: {report.Phase.ToWireName()} — {Markup.Escape($"{start.GraphName} {start.GraphVersion}")}, {report.Executions} execution(s), {records.Count} record(s){(start.ForkOf is null ? "" : $", forked from {start.ForkOf} at record {start.ForkSequence}")}");
            if (report.Awaiting.Count > 0)
            {
                io.Console.MarkupLine("awaiting:");
                LifetimeText.PrintAwaiting(io, report.Awaiting);
            }

            JournalCommand.PrintTimeline(io, records);
            return ExitCodes.Completed;
        }));
        return command;
    }

    private static async Task<int> ShowRemoteAsync(CliIo io, Agentic.Client.AgenticClient client, string id, bool json, CancellationToken ct)
    {
        var view = RemoteViews.ToView(await client.GetAsync(id, ct).ConfigureAwait(false));
        var records = await client.JournalRecordsAsync(id, ct).ToListAsync(ct).ConfigureAwait(false);
        if (json)
        {
            io.Output.WriteLine(JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("lifetime_id", id);
                w.WriteString("graph", view.GraphName);
                w.WriteString("version", view.GraphVersion);
                w.WriteString("status", view.Phase.ToWireName());
                w.WriteNumber("executions", view.Executions);
                w.WriteNumber("iterations", view.Iterations);
                JsonText.WritePayload(w, "result", view.Result);
                LifetimeText.WriteAwaiting(w, view.Awaiting);
                w.WritePropertyName("timeline");
                w.WriteRawValue(RemoteViews.ToJson(records));
                w.WriteEndObject();
            }));
            return ExitCodes.Completed;
        }

        io.Console.MarkupLine($"[bold]lifetime {id}[/]: {view.Phase.ToWireName()} — {Markup.Escape($"{view.GraphName} {view.GraphVersion}")}, {view.Executions} execution(s), {records.Count} record(s)");
        if (view.Awaiting.Count > 0)
        {
            io.Console.MarkupLine("awaiting:");
            LifetimeText.PrintAwaiting(io, view.Awaiting);
        }

        RemoteViews.PrintTimeline(io, records);
        return ExitCodes.Completed;
    }
}
