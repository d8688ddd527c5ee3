using Agentic.Core.Execution;
using Agentic.Runtime.Journal;
using Agentic.Storage.Postgres;
using Agentic.Testing;
using Npgsql;

using Agentic.Tests;

namespace Agentic.Storage.Tests;

/// <summary>What only the PostgreSQL store has: the database's own refusals, migrations between silos, connection errors.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalStoreTests(PostgresServer server)
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..16];

    private PostgresJournalStore Open(string? schema = null) =>
        new(new PostgresJournalOptions { ConnectionString = server.ConnectionString, Schema = schema ?? _schema });

    private async Task<T?> Sql<T>(string sql)
    {
        await using var data = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(server.ConnectionString) { SearchPath = _schema }.ConnectionString).Build();
        await using var command = data.CreateCommand(sql);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull or null ? default : (T)value;
    }

    [Theory]
    [InlineData("UPDATE journal SET seq = seq + 100", "UPDATE of journal rows is refused")]
    [InlineData("DELETE FROM journal", "DELETE of journal rows is refused")]
    [InlineData("TRUNCATE journal", "TRUNCATE of journal rows is refused")]
    [InlineData("UPDATE journal SET record = '\\x00' WHERE seq = 2", "UPDATE of journal rows is refused")]
    public async Task TheDatabase_RefusesRewritingHistory(string sql, string expected)
    {
        await using var store = Open();
        await store.AppendAsync([TestRecords.Started("H1", 1), TestRecords.Ended("H1", 2)], default);

        var ex = await Assert.ThrowsAsync<PostgresException>(() => Sql<object>(sql));

        Assert.Contains(expected, ex.MessageText, StringComparison.Ordinal);
        Assert.Equal([1L, 2], (await store.ReadAsync("H1", 1, default).ToListAsync()).Select(r => r.Sequence));
    }

    [Fact]
    public async Task SilosStartingAtOnce_MigrateOnce_UnderTheAdvisoryLock()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Open())));
        try
        {
            Assert.Equal(3L, await Sql<long>("SELECT COUNT(*) FROM agentic_migrations"));
            Assert.Equal("001-journal.sql", await Sql<string>("SELECT name FROM agentic_migrations WHERE version = 1"));
            await stores[3].AppendAsync([TestRecords.Started("M1", 1)], default);
            Assert.Single(await stores[5].ReadAsync("M1", 1, default).ToListAsync());
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ASchemaNewerThanThisBuild_IsRefused_AndLeftAsItIs()
    {
        await Open().DisposeAsync();
        await Sql<object>("INSERT INTO agentic_migrations (version, name) VALUES (99, '099-future.sql')");

        var ex = Assert.Throws<JournalOpenException>(() => Open());

        Assert.Contains("has schema version 99, newer than this build understands (3)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(4L, await Sql<long>("SELECT COUNT(*) FROM agentic_migrations"));
    }

    [Fact]
    public void AServerThatIsNotThere_IsReportedWithWhereItWasLookedFor_NeverThePassword()
    {
        var ex = Assert.Throws<JournalOpenException>(() => new PostgresJournalStore(new PostgresJournalOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=agentic;Password=s3cret;Database=agentic;Timeout=2" }));

        Assert.StartsWith("PostgreSQL journal postgres://127.0.0.1:1/agentic?schema=agentic cannot be used: ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=5432", "Bad-Schema", "journal schema 'Bad-Schema' must be lower-case letters, digits and '_'")]
    [InlineData("Port=5432;Database=x", "agentic", "the PostgreSQL connection string names no Host")]
    [InlineData("Hots=127.0.0.1", "agentic", "the PostgreSQL connection string is not valid")]
    public void BadSettings_AreRefusedBeforeAnyConnection(string connectionString, string schema, string expected)
    {
        var ex = Assert.Throws<JournalOpenException>(() => new PostgresJournalStore(new PostgresJournalOptions { ConnectionString = connectionString, Schema = schema }));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARecordOneThatIsNotAStart_OrAStartAfterRecordOne_IsRefused()
    {
        await using var store = Open();

        var notStart = await Assert.ThrowsAsync<JournalAppendException>(() => store.AppendAsync([TestRecords.Ended("B1", 1)], default).AsTask());
        var lateStart = await Assert.ThrowsAsync<JournalAppendException>(() => store.AppendAsync([TestRecords.Started("B1", 2)], default).AsTask());

        Assert.Contains("record 1, and only record 1, is the lifetime's start", notStart.Message, StringComparison.Ordinal);
        Assert.Contains("record 1, and only record 1, is the lifetime's start", lateStart.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ListLifetimesAsync(null, 10, default));
    }
}
