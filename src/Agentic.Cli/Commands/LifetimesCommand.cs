using System.CommandLine;
using System.Globalization;
using Agentic.Cli.Remote;
using Agentic.Core.Execution;
using Agentic.Runtime.Journal;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic lifetimes [--status …]</c>: the lifetimes in the journal (or on a server), newest first.</summary>
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
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            if (parse.GetValue(limit) is < 1 and var n)
            {
                throw new CliInputException($"--limit must be at least 1, got {n}");
            }

            IReadOnlyList<Row> rows;
            if (remote.Open(parse) is { } client)
            {
                using (client)
                {
                    rows = await ListRemoteAsync(client, parse.GetValue(status), parse.GetValue(limit), ct).ConfigureAwait(false);
                }
            }
            else
            {
                await using var cli = CliRuntime.Open(parse.GetValue(db)!);
                var phase = parse.GetValue(status) is { } s ? Enum.GetValues<ExecutionPhase>().Single(p => p.ToWireName() == s) : (ExecutionPhase?)null;
                var list = await cli.Journal.ListLifetimesAsync(phase, parse.GetValue(limit), ct).ConfigureAwait(false);
                rows = list.Select(l => new Row(l.LifetimeId, l.TenantId, l.GraphName, l.GraphVersion, l.Phase.ToWireName(), l.StartedAt, l.LastSequence)).ToList();
            }

            Print(io, rows, parse.GetValue(output) == "json");
            return ExitCodes.Completed;
        }));
        return command;
    }

    /// <summary>The key's tenant's lifetimes on the server, newest first, page by page up to <paramref name="limit"/>.</summary>
    private static async Task<IReadOnlyList<Row>> ListRemoteAsync(Agentic.Client.AgenticClient client, string? phase, int limit, CancellationToken ct)
    {
        var rows = new List<Row>();
        string? cursor = null;
        do
        {
            var page = await client.ListAsync(phase, null, Math.Min(limit - rows.Count, 500), cursor, ct).ConfigureAwait(false);
            rows.AddRange(page.Lifetimes.Select(l => new Row(l.Id, l.Tenant, l.Graph, l.Version, l.Phase, l.StartedAt, l.LastSequence)));
            cursor = page.Next;
        }
        while (cursor is not null && rows.Count < limit);
        return rows;
    }

    private static void Print(CliIo io, IReadOnlyList<Row> rows, bool json)
    {
        if (json)
        {
            io.Output.WriteLine(JsonText.Write(w =>
            {
                w.WriteStartArray();
                foreach (var l in rows)
                {
                    w.WriteStartObject();
                    w.WriteString("lifetime_id", l.Id);
                    w.WriteString("tenant", l.Tenant);
                    w.WriteString("graph", l.Graph);
                    w.WriteString("version", l.Version);
                    w.WriteString("status", l.Status);
                    w.WriteString("started_at", l.StartedAt.ToString("O", CultureInfo.InvariantCulture));
                    w.WriteNumber("records", l.Records);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }));
            return;
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("lifetime", "graph", "status", "started", "records");
        foreach (var l in rows)
        {
            table.AddRow(l.Id, Markup.Escape($"{l.Graph} {l.Version}"), Markup.Escape(l.Status), l.StartedAt.ToString("u", CultureInfo.InvariantCulture), l.Records.ToString(CultureInfo.InvariantCulture));
        }

        io.Console.Write(table);
        io.Console.MarkupLine($"{rows.Count} lifetime(s)");
    }

    private sealed record Row(string Id, string? Tenant, string Graph, string Version, string Status, DateTimeOffset StartedAt, long Records);
}
