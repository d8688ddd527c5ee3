using System.Diagnostics;
using System.Text.Json;
using Agentic.Core.Execution;
using Agentic.Runtime.Journal;
using Agentic.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Agentic.Cli.Tests;

/// <summary>
/// The crash test: a child process runs many lifetimes with parallel branches open; it is killed with SIGKILL in
/// the middle; <c>agentic resume</c> in a new process must finish every lifetime with a gapless journal, no
/// completed execution twice, and the results of an uninterrupted run.
/// </summary>
public sealed class CrashRecoveryTests : IDisposable
{
    private const int Lifetimes = 150;

    // start → fan ⇒ (left 600 ms ‖ right 2 s) ⇒ merge → tail 100 ms → end
    private const string Graph = """
        graph: crash
        version: 1.0.0
        nodes:
          - { name: start, kind: task, type: counter }
          - { name: fan,   kind: plan, type: all }
          - { name: left,  kind: task, type: sleep, config: { ms: 600 } }
          - { name: right, kind: task, type: sleep, config: { ms: 2000 } }
          - { name: merge, kind: plan, type: all }
          - { name: tail,  kind: task, type: counter }
        edges:
          - { from: start, to: fan }
          - { from: fan,   to: left,  kind: parallel }
          - { from: fan,   to: right, kind: parallel }
          - { from: left,  to: merge, kind: join }
          - { from: right, to: merge, kind: join }
          - { from: merge, to: tail }
          - { from: tail,  to: end, kind: final }
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-crash-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task KillMinus9_WithLifetimesInFlight_ThenResume_CompletesEveryLifetimeExactly()
    {
        var graph = Path.Combine(_dir, "graph.yaml");
        await File.WriteAllTextAsync(graph, Graph);
        var db = Path.Combine(_dir, "crash.db");

        using (var child = StartAgentic("run", graph, "--count", Lifetimes.ToString(System.Globalization.CultureInfo.InvariantCulture), "--db", db, "--output", "json", "--input", """{"count":0}"""))
        {
            // Kill once every lifetime has started and the short branches are finishing while the long ones run.
            await WaitUntil(() => Rows(db, "kind = 2 AND phase = 4") >= Lifetimes + Lifetimes / 2, child);
            child.Kill(entireProcessTree: true); // SIGKILL
            await child.WaitForExitAsync();
        }

        var atKill = Rows(db, "1 = 1");
        await using (var store = new SqliteJournalStore(new SqliteJournalOptions { Path = db }))
        {
            // The kill really cut lifetimes off mid-run.
            var unfinished = await store.ListUnfinishedAsync(default);
            Assert.True(unfinished.Count > 0, $"no unfinished lifetime after the kill ({atKill} records)");

            // A writer killed mid-transaction leaves whole batches only: the file is intact and every record that is
            // there decodes, in a gapless prefix of its lifetime.
            Assert.Equal("ok", IntegrityCheck(db));
            foreach (var id in unfinished)
            {
                var records = await store.ReadAsync(id, 1, default).ToListAsync();
                Assert.Equal(Enumerable.Range(1, records.Count).Select(n => (long)n), records.Select(r => r.Sequence));
            }
        }

        var (code, output, error) = await RunAgentic("resume", "--db", db, "--output", "json");
        Assert.True(code == 0, $"resume exited {code}: {error}");
        using var summary = JsonDocument.Parse(output);
        Assert.Equal(summary.RootElement.GetProperty("recovered").GetInt32(), summary.RootElement.GetProperty("by_status").GetProperty("completed").GetInt32());

        // Reference: the same lifetime, uninterrupted.
        var (refCode, refOut, _) = await RunAgentic("run", graph, "--in-memory", "--output", "json", "--input", """{"count":0}""");
        Assert.Equal(0, refCode);
        var expected = JsonDocument.Parse(refOut).RootElement.GetProperty("result").GetRawText();

        await using var check = new SqliteJournalStore(new SqliteJournalOptions { Path = db });
        var lifetimes = await check.ListLifetimesAsync(null, 10_000, default);
        Assert.Equal(Lifetimes, lifetimes.Count);
        var reRun = 0;
        foreach (var lifetime in lifetimes)
        {
            var journal = await check.ReadAsync(lifetime.LifetimeId, 1, default).ToListAsync();
            Assert.Equal(Enumerable.Range(1, journal.Count).Select(n => (long)n), journal.Select(r => r.Sequence));
            var completed = journal.OfType<ExecutionEntry>().Where(e => e.Phase == ExecutionPhase.Completed).Select(e => e.ExecutionId).ToList();
            Assert.Equal(completed.Count, completed.Distinct().Count());
            Assert.Equal(6, completed.Count);
            var end = Assert.IsType<LifetimeEndedEntry>(journal[^1]);
            Assert.Equal(ExecutionPhase.Completed, end.Phase);
            Assert.Equal(expected, end.Result!.ToJsonString());
            Assert.True(JournalReplay.Replay(journal).Identical);
            reRun += journal.OfType<ExecutionEntry>().Count(e => e.Attempt == 2);
        }

        Assert.True(reRun > 0, "no execution was dispatched again: the kill did not interrupt any execution");
    }

    private static string IntegrityCheck(string db)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        return (string)command.ExecuteScalar()!;
    }

    private static long Rows(string db, string where)
    {
        if (!File.Exists(db))
        {
            return 0;
        }

        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 0 }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM journal WHERE " + where;
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // not created yet, or busy
        }
    }

    private static async Task WaitUntil(Func<bool> condition, Process child)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (child.HasExited)
            {
                Assert.Fail($"the child process exited before the kill: {await child.StandardError.ReadToEndAsync()}");
            }

            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for the child process to get going");
            await Task.Delay(10);
        }
    }

    private static Process StartAgentic(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "agentic.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    private static async Task<(int Code, string Out, string Err)> RunAgentic(params string[] args)
    {
        using var process = StartAgentic(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
