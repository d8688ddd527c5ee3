using Agentic.Runtime.Journal;
using Agentic.Storage.Sqlite;

namespace Agentic.Storage.Tests;

/// <summary>The contract on a SQLite file; a second handle is another connection to the same file (another process).</summary>
public sealed class SqliteJournalStoreConformance : JournalStoreConformance
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-conformance-").FullName;

    private string DbPath => Path.Combine(_dir, "journal.db");

    protected override Task<IJournalStore> CreateAsync() => Task.FromResult<IJournalStore>(new SqliteJournalStore(new SqliteJournalOptions { Path = DbPath }));

    protected override Task<IJournalStore> OpenAgainAsync(IJournalStore store) => CreateAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
