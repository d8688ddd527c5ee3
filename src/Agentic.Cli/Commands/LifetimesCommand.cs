using System.CommandLine;
using System.Globalization;
using Agentic.Core.Execution;
using Agentic.Runtime.Journal;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic lifetimes [--status …]</c>: the lifetimes in the journal, newest first.</summary>
internal static class LifetimesCommand
{
    public static Command Create(CliIo io)
    {
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var status = new Option<string?>("--status") { Description = "only lifetimes in this phase" }
            .AcceptOnlyFromAmong("running", "waiting", "paused", "completed", "failed", "cancelled", "aborted");
        var limit = new Option<int>("--limit") { Description = "at most this many", DefaultValueFactory = _ => 100 };
        var command = new Command("lifetimes", "List the lifetimes in the journal, newest first") { db, output, status, limit };
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            await using var cli = CliRuntime.Open(parse.GetValue(db)!);
            var phase = parse.GetValue(status) is { } s ? Enum.GetValues<ExecutionPhase>().Single(p => p.ToWireName() == s) : (ExecutionPhase?)null;
            var list = await cli.Journal.ListLifetimesAsync(phase, parse.GetValue(limit), ct).ConfigureAwait(false);
            if (parse.GetValue(output) == "json")
            {
                io.Output.WriteLine(JsonText.Write(w =>
                {
                    w.WriteStartArray();
                    foreach (var l in list)
                    {
                        w.WriteStartObject();
                        w.WriteString("lifetime_id", l.LifetimeId);
                        w.WriteString("tenant", l.TenantId);
                        w.WriteString("graph", l.GraphName);
                        w.WriteString("version", l.GraphVersion);
                        w.WriteString("status", l.Phase.ToWireName());
                        w.WriteString("started_at", l.StartedAt.ToString("O", CultureInfo.InvariantCulture));
                        w.WriteNumber("records", l.LastSequence);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }));
                return ExitCodes.Completed;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("lifetime", "graph", "status", "started", "records");
            foreach (var l in list)
            {
                table.AddRow(l.LifetimeId, Markup.Escape($"{l.GraphName} {l.GraphVersion}"), l.Phase.ToWireName(), l.StartedAt.ToString("u", CultureInfo.InvariantCulture), l.LastSequence.ToString(CultureInfo.InvariantCulture));
            }

            io.Console.Write(table);
            io.Console.MarkupLine($"{list.Count} lifetime(s)");
            return ExitCodes.Completed;
        }));
        return command;
    }
}
