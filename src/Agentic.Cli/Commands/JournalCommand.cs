using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Agentic.Runtime.Journal;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Storage.Blobs;
using Agentic.Storage.Sqlite;
using Agentic.Cli.Remote;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic journal &lt;lifetime-id&gt;</c>: prints a lifetime's records in sequence order.</summary>
internal static class JournalCommand
{
    public static Command Create(CliIo io)
    {
        var idArg = new Argument<string>("lifetime-id") { Description = "the lifetime to show" };
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var command = new Command("journal", "Print a lifetime's journal records") { idArg, db, output };
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            if (remote.Open(parse) is { } client)
            {
                using (client)
                {
                    var id = parse.GetValue(idArg)!;
                    var remoteRecords = await client.JournalRecordsAsync(id, ct).ToListAsync(ct).ConfigureAwait(false);
                    if (parse.GetValue(output) == "json")
                    {
                        io.Output.WriteLine(RemoteViews.ToJson(remoteRecords));
                    }
                    else
                    {
                        io.Console.MarkupLine($"[bold]lifetime {Markup.Escape(id)}[/] — {remoteRecords.Count} records");
                        RemoteViews.PrintTimeline(io, remoteRecords);
                    }

                    return ExitCodes.Completed;
                }
            }

            var path = parse.GetValue(db)!;
            if (!File.Exists(path))
            {
                throw new CliInputException($"journal database '{path}' does not exist (pass --db)");
            }

            var lifetimeId = parse.GetValue(idArg)!;
            await using var store = new SqliteJournalStore(new SqliteJournalOptions { Path = path }, new LocalBlobStore(CliServices.BlobRootFor(path)));
            var records = new List<JournalEntry>();
            await foreach (var entry in store.ReadAsync(lifetimeId, 1, ct).ConfigureAwait(false))
            {
                records.Add(entry);
            }

            if (records.Count == 0)
            {
                throw CliRuntime.NotFound(lifetimeId, parse.GetValue(db)!);
            }

            if (parse.GetValue(output) == "json")
            {
                io.Output.WriteLine(ToJson(records));
            }
            else
            {
                PrintTable(io, records);
            }

            return ExitCodes.Completed;
        }));
        return command;
    }

    internal static string ToJson(IReadOnlyList<JournalEntry> records) => JsonText.Write(w => JournalJson.WriteRecords(w, records));

    private static void PrintTable(CliIo io, List<JournalEntry> records)
    {
        io.Console.MarkupLine($"[bold]lifetime {Markup.Escape(records[0].LifetimeId)}[/] — {records.Count} records");
        PrintTimeline(io, records);
    }

    /// <summary>The records as a table: sequence, time since the start record, description.</summary>
    internal static void PrintTimeline(CliIo io, IReadOnlyList<JournalEntry> records)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("seq", "at", "record");
        var t0 = records[0].RecordedAt;
        foreach (var r in records)
        {
            table.AddRow(
                r.Sequence.ToString(CultureInfo.InvariantCulture),
                $"+{(r.RecordedAt - t0).TotalMilliseconds:0.###} ms",
                Markup.Escape(ProgressPrinter.Describe(r)));
        }

        io.Console.Write(table);
    }
}
