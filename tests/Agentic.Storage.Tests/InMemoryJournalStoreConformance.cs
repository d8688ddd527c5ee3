using Agentic.Runtime.Journal;

namespace Agentic.Storage.Tests;

/// <summary>The contract on the in-memory store: a second handle is the same instance (its data lives in it).</summary>
public sealed class InMemoryJournalStoreConformance : JournalStoreConformance
{
    protected override bool Durable => false;

    protected override Task<IJournalStore> CreateAsync() => Task.FromResult<IJournalStore>(new InMemoryJournalStore());

    protected override Task<IJournalStore> OpenAgainAsync(IJournalStore store) => Task.FromResult(store);
}
