using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Tests;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Storage.Sqlite.Tests;

public sealed class SqliteSnapshotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-snapshots-").FullName;

    private string DbPath => Path.Combine(_dir, "journal.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AParkedLifetime_ReactivatesFromItsSnapshotInTheFile_AndEndsTheSameWithoutIt()
    {
        var graph = GraphReader.Parse("""
            graph: loop-then-ask
            version: 1.0.0
            nodes:
              - { name: work,    kind: task, type: counter }
              - { name: decide,  kind: plan, type: route, config: { rules: [ { when: "result.count >= 20", to: [approve] } ], otherwise: [work] } }
              - { name: approve, kind: task, type: human }
            edges:
              - { from: work, to: decide }
              - { from: decide, to: work }
              - { from: decide, to: approve }
              - { from: approve, to: end, kind: final }
            """, "loop-then-ask.yaml");
        string id;
        await using (var runtime = await Cluster(snapshotEvery: 8))
        {
            id = runtime.Start(graph).LifetimeId;
            await runtime.WhenSettledAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
            await Until(() => runtime.Activations.SnapshotsTaken >= 5);
        }

        var results = new List<string>();
        foreach (var deleteSnapshots in new[] { false, true })
        {
            var copy = Path.Combine(_dir, $"copy-{deleteSnapshots}.db");
            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                // The WAL may still hold records: pooled connections keep it from being checkpointed.
                if (File.Exists(DbPath + suffix))
                {
                    File.Copy(DbPath + suffix, copy + suffix);
                }
            }

            if (deleteSnapshots)
            {
                await Sql(copy, "DELETE FROM snapshots");
            }

            await using var runtime = await Cluster(snapshotEvery: 8, copy);
            var ask = Assert.Single((await runtime.InspectAsync(id)).Awaiting);
            Assert.Equal(deleteSnapshots ? 0 : 1, runtime.Activations.SnapshotsUsedOnActivation);
            Assert.True(deleteSnapshots ? runtime.Activations.RecordsAppliedOnActivation > 40 : runtime.Activations.RecordsAppliedOnActivation < 8, $"{runtime.Activations.RecordsAppliedOnActivation} records applied");
            await runtime.ProvideInputAsync(id, ask.ExecutionId, Payload.FromJson("""{"ok":1}"""), "alice");
            var outcome = await runtime.WaitForOutcomeAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
            results.Add($"{outcome.Phase} {outcome.Executions} {outcome.Iterations} {outcome.Result}");
        }

        Assert.Equal(results[0], results[1]);
        Assert.Equal("Completed 41 21 {\"ok\":1}", results[0]);
    }

    // One silo over the SQLite file (the single-machine profile).
    private Task<ClusterRuntime> Cluster(int snapshotEvery, string? path = null) =>
        ClusterRuntime.StartAsync(s => s.AddSqliteJournal(o => o.Path = path ?? DbPath), b => b.Configure(o => o.SnapshotEvery = snapshotEvery));

    private static async Task Sql(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task Until(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for snapshots");
            await Task.Delay(5);
        }
    }
}
