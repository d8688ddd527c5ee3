using Agentic.Core.Execution;
using Agentic.Runtime.Journal;
using Microsoft.Data.Sqlite;

namespace Agentic.Storage.Sqlite.Tests;

/// <summary>
/// The SQLite journal under storage faults: concurrent first use, half-migrated, foreign, damaged and read-only files,
/// and a writer killed mid-transaction. Each refuses with a message naming the file, commits nothing half-way and keeps
/// everything committed before the fault readable.
/// </summary>
public sealed class SqliteStoreFaultTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-faults-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task ConcurrentFirstUse_OfANewFile_MigratesOnce_AndEveryOpenerCanWrite()
    {
        // Builds that read the version outside the write transaction let two openers both run 002's ADD COLUMN, and
        // the loser's re-run of 001 set the version back to 1: every later open failed with "duplicate column name".
        for (var round = 0; round < 25; round++)
        {
            var path = Path.Combine(_dir, $"new-{round}.db");
            const int openers = 6;
            using var start = new Barrier(openers);
            var stores = await Task.WhenAll(Enumerable.Range(0, openers).Select(i => Task.Factory.StartNew(
                () =>
                {
                    start.SignalAndWait();
                    return new SqliteJournalStore(new SqliteJournalOptions { Path = path });
                },
                TaskCreationOptions.LongRunning)));
            for (var i = 0; i < stores.Length; i++)
            {
                await stores[i].AppendAsync([TestRecords.Started($"L{i}", 1)], default);
            }

            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }

            Assert.Equal(5L, UserVersion(path));
            await using var again = new SqliteJournalStore(new SqliteJournalOptions { Path = path });
            Assert.Equal(openers, (await again.ListLifetimesAsync(null, 100, default)).Count);
        }
    }

    [Fact]
    public async Task HalfMigratedFile_LeftByAnOlderBuild_IsRepaired_AndKeepsItsRecords()
    {
        var path = Path.Combine(_dir, "half.db");
        await using (var store = new SqliteJournalStore(new SqliteJournalOptions { Path = path }))
        {
            await store.AppendAsync([TestRecords.Started("L1", 1)], default);
        }

        // What the old race left: 001 re-run over a migrated file (its index back, version 1), 002 refused.
        Exec(path, "CREATE UNIQUE INDEX IF NOT EXISTS journal_execution_id ON journal (execution_id) WHERE execution_id IS NOT NULL; PRAGMA user_version = 1;");

        await using (var store = new SqliteJournalStore(new SqliteJournalOptions { Path = path }))
        {
            Assert.Single(await store.ReadAsync("L1", 1, default).ToListAsync());
            await store.AppendAsync([TestRecords.Ended("L1", 2)], default);
        }

        Assert.Equal(5L, UserVersion(path));
        Assert.Equal(0L, Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'journal_execution%'"));
    }

    [Fact]
    public void FileThatIsNotSqlite_IsRefused_AndLeftUnchanged()
    {
        var path = Path.Combine(_dir, "notes.db");
        File.WriteAllText(path, "these are my notes, not a database\n" + new string('x', 5000));
        var before = File.ReadAllBytes(path);

        var ex = Assert.Throws<JournalOpenException>(() => new SqliteJournalStore(new SqliteJournalOptions { Path = path }));

        Assert.Contains("is not a SQLite database", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Directory_IsRefused()
    {
        var ex = Assert.Throws<JournalOpenException>(() => new SqliteJournalStore(new SqliteJournalOptions { Path = _dir }));
        Assert.Contains("is a directory", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SqliteFileOfAnotherApplication_IsRefused_AndGetsNoTables()
    {
        var path = Path.Combine(_dir, "other.db");
        Exec(path, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('ada');");

        var ex = Assert.Throws<JournalOpenException>(() => new SqliteJournalStore(new SqliteJournalOptions { Path = path }));

        Assert.Contains("not an agentic journal", ex.Message, StringComparison.Ordinal);
        Assert.Contains("customers", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1L, Scalar(path, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"));
        Assert.Equal(0L, UserVersion(path));
    }

    [Fact]
    public void VersionedFileWithoutJournalTable_IsRefusedAsDamaged()
    {
        var path = Path.Combine(_dir, "damaged.db");
        Exec(path, "CREATE TABLE lifetimes (lifetime_id TEXT); PRAGMA user_version = 5;");

        var ex = Assert.Throws<JournalOpenException>(() => new SqliteJournalStore(new SqliteJournalOptions { Path = path }));

        Assert.Contains("damaged", ex.Message, StringComparison.Ordinal);
        Assert.Contains("restore it from a backup", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyFile_BecomesANewJournal()
    {
        var path = Path.Combine(_dir, "empty.db");
        await File.WriteAllBytesAsync(path, []);
        await using var store = new SqliteJournalStore(new SqliteJournalOptions { Path = path });
        await store.AppendAsync([TestRecords.Started("L1", 1)], default);
        Assert.Single(await store.ReadAsync("L1", 1, default).ToListAsync());
    }

    [Fact]
    public async Task TruncatedFile_IsRefusedOrReadErrorsName_TheFile_NeverACrash()
    {
        var path = Path.Combine(_dir, "truncated.db");
        await using (var store = new SqliteJournalStore(new SqliteJournalOptions { Path = path }))
        {
            for (var i = 0; i < 200; i++)
            {
                await store.AppendAsync([TestRecords.Started($"L{i:000}", 1)], default);
            }
        }

        Exec(path, "PRAGMA wal_checkpoint(TRUNCATE);");
        SqliteConnection.ClearAllPools();
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.True(bytes.Length > 8192, $"the test needs a file of several pages, got {bytes.Length} bytes");
        await File.WriteAllBytesAsync(path, bytes[..4096]);

        try
        {
            await using var store = new SqliteJournalStore(new SqliteJournalOptions { Path = path });
            var ex = await Assert.ThrowsAnyAsync<Exception>(async () => await store.ListLifetimesAsync(null, 1000, default));
            Assert.True(ex is JournalOpenException or InvalidDataException, $"expected a named storage error, got {ex.GetType().Name}: {ex.Message}");
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
        catch (JournalOpenException ex)
        {
            Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task FailingDisk_RefusesTheWholeBatch_AndEarlierRecordsStayReadable()
    {
        var path = Path.Combine(_dir, "full.db");
        await using var store = new SqliteJournalStore(new SqliteJournalOptions { Path = path });
        await store.AppendAsync([TestRecords.Started("L1", 1)], default);

        // A full disk, as SQLite meets it: max_page_count caps the file at its current size.
        var pages = Scalar(path, "PRAGMA page_count");
        Exec(store, $"PRAGMA max_page_count = {pages};");
        var big = Enumerable.Range(2, 400).Select(i => (JournalEntry)TestRecords.Started($"B{i}", 1)).ToList();
        var ex = await Assert.ThrowsAsync<JournalAppendException>(() => store.AppendAsync(big, default).AsTask());

        Assert.Contains("full", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await store.ReadAsync("B2", 1, default).ToListAsync());
        Assert.Single(await store.ReadAsync("L1", 1, default).ToListAsync());
    }

    private static void Exec(SqliteJournalStore store, string sql)
    {
        var field = typeof(SqliteJournalStore).GetField("_writer", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        using var command = ((SqliteConnection)field.GetValue(store)!).CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void Exec(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long UserVersion(string path) => Scalar(path, "PRAGMA user_version");

    private static long Scalar(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
