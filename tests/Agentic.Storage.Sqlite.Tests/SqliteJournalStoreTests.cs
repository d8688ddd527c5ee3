using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Tests;
using Agentic.Runtime.Journal;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Storage.Sqlite.Tests;

public sealed class SqliteJournalStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-sqlite-").FullName;

    private string DbPath => Path.Combine(_dir, "journal.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task HelloLoop_OnSqlite_IsJournaledGaplessAndReadsBack()
    {
        var (outcome, records) = await RunHello();

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.Equal(10, outcome.Result!.Json.GetProperty("count").GetInt32());
        Assert.Equal(Enumerable.Range(1, records.Count).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.IsType<LifetimeStartedEntry>(records[0]);
        var ended = Assert.IsType<LifetimeEndedEntry>(records[^1]);
        Assert.Equal(ExecutionPhase.Completed, ended.Phase);
        var executions = records.OfType<ExecutionEntry>().ToList();
        Assert.Equal(20, executions.Count);
        Assert.Equal(executions.Count, executions.Select(e => e.ExecutionId).Distinct().Count());
        Assert.Equal(["work", "decide"], executions.Take(2).Select(e => e.NodeName));
        Assert.Equal(["end"], executions[^1].NextTaskNames);
    }

    [Theory]
    [InlineData("UPDATE journal SET seq = seq + 100", "UPDATE of journal rows is refused")]
    [InlineData("DELETE FROM journal", "DELETE of journal rows is refused")]
    [InlineData("UPDATE journal SET record = x'00' WHERE seq = 2", "UPDATE of journal rows is refused")]
    public async Task Database_RefusesRewritingHistory(string sql, string expected)
    {
        var (_, before) = await RunHello();
        await using (var connection = new SqliteConnection($"Data Source={DbPath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            var ex = await Assert.ThrowsAsync<SqliteException>(() => command.ExecuteNonQueryAsync());
            Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        }

        await using var store = new SqliteJournalStore(new SqliteJournalOptions { Path = DbPath });
        var after = await store.ReadAsync(before[0].LifetimeId, 1, default).ToListAsync();
        Assert.Equal(before.Count, after.Count);
    }

    [Fact]
    public async Task Append_RefusesGapAndDuplicate_AndKeepsNothingOfTheBatch()
    {
        await using var store = new SqliteJournalStore(new SqliteJournalOptions { Path = DbPath });
        var first = TestRecords.Started("L1", 1);
        await store.AppendAsync([first], default);

        var gap = await Assert.ThrowsAsync<JournalAppendException>(() => store.AppendAsync([TestRecords.Ended("L1", 3)], default).AsTask());
        Assert.Contains("gapless", gap.Message, StringComparison.Ordinal);
        Assert.Contains("lifetime L1 record 3", gap.Message, StringComparison.Ordinal);

        var duplicate = await Assert.ThrowsAsync<JournalAppendException>(() => store.AppendAsync([TestRecords.Started("L2", 1), TestRecords.Started("L1", 1)], default).AsTask());
        Assert.Contains("refused a batch of 2", duplicate.Message, StringComparison.Ordinal);

        // The good record of the refused batch (L2) was rolled back with it.
        Assert.Empty(await store.ReadAsync("L2", 1, default).ToListAsync());
        Assert.Single(await store.ReadAsync("L1", 1, default).ToListAsync());
    }

    [Fact]
    public async Task ListLifetimes_ShowsPhaseFromProjection()
    {
        var (outcome, _) = await RunHello();
        await using var store = new SqliteJournalStore(new SqliteJournalOptions { Path = DbPath });
        var all = await store.ListLifetimesAsync(null, 10, default);
        var row = Assert.Single(all);
        Assert.Equal(outcome.LifetimeId, row.LifetimeId);
        Assert.Equal(ExecutionPhase.Completed, row.Phase);
        Assert.Equal("hello", row.GraphName);
        Assert.Equal(22, row.LastSequence); // start + 20 executions + end
        Assert.Empty(await store.ListLifetimesAsync(ExecutionPhase.Running, 10, default));
    }

    [Fact]
    public async Task NewerSchema_IsRefusedWithClearMessage()
    {
        await (await Open()).DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            await command.ExecuteNonQueryAsync();
        }

        var ex = Assert.Throws<JournalOpenException>(() => new SqliteJournalStore(new SqliteJournalOptions { Path = DbPath }));
        Assert.Contains("schema version 99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchemaVersion3_IsMigrated_DroppingTheExecutionIndex_AndItsRecordsStillRead()
    {
        var (outcome, records) = await RunHello();
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            // Back to version 3 as it was shipped: the execution-id index, and user_version 3.
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE UNIQUE INDEX journal_execution_done ON journal (execution_id) WHERE execution_id IS NOT NULL AND phase <> 2; PRAGMA user_version = 3;";
            await command.ExecuteNonQueryAsync();
        }

        await using (var store = await Open())
        {
            var read = await store.ReadAsync(outcome.LifetimeId, 1, default).ToListAsync();
            Assert.Equal(records.Select(r => r.Sequence), read.Select(r => r.Sequence));
        }

        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT (SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'journal_execution_done') || '/' || (SELECT user_version FROM pragma_user_version)";
            Assert.Equal("0/5", (string?)await command.ExecuteScalarAsync());
        }
    }

    private Task<SqliteJournalStore> Open() => Task.FromResult(new SqliteJournalStore(new SqliteJournalOptions { Path = DbPath }));

    private async Task<(Runtime.Lifetimes.LifetimeOutcome Outcome, List<JournalEntry> Records)> RunHello()
    {
        await using var runtime = await ClusterRuntime.StartAsync(s => s.AddSqliteJournal(o => o.Path = DbPath), null);
        var graph = GraphReader.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples/hello/graph.yaml")), "graph.yaml");
        var outcome = await runtime.RunAsync(graph).WaitAsync(TimeSpan.FromSeconds(30));
        var records = await runtime.Journal.ReadAsync(outcome.LifetimeId, 1, default).ToListAsync();
        return (outcome, records);
    }
}
