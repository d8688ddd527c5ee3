using Agentic.Runtime.Journal;
using Agentic.Storage.Postgres;

using Agentic.Tests;

namespace Agentic.Storage.Tests;

/// <summary>The contract on PostgreSQL; each test has a schema of its own, a second handle is another silo's store.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresJournalStoreConformance(PostgresServer server) : JournalStoreConformance
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..16];

    protected override Task<IJournalStore> CreateAsync() =>
        Task.FromResult<IJournalStore>(new PostgresJournalStore(new PostgresJournalOptions { ConnectionString = server.ConnectionString, Schema = _schema }));

    protected override Task<IJournalStore> OpenAgainAsync(IJournalStore store) => CreateAsync();
}
