using Agentic.Core.Execution;
using Agentic.Runtime.Journal;

namespace Agentic.Orleans.Tests;

/// <summary>
/// The in-memory store seen as a store with I/O (not an <see cref="ISynchronousJournalStore"/>): lifetimes then wait for
/// their tenant's charges to be stored before recording, as they do on SQLite or PostgreSQL.
/// </summary>
internal sealed class AwaitedJournalStore : IJournalStore
{
    private readonly InMemoryJournalStore _inner = new();

    public string Profile => "awaited-memory";

    /// <summary>Tests only: awaited before each append (holds records short of durable).</summary>
    public Func<Task>? BeforeAppend { get; set; }

    public async ValueTask AppendAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (BeforeAppend is { } gate)
        {
            await gate();
        }

        await _inner.AppendAsync(batch, cancellationToken);
    }

    /// <summary>Tests only: awaited before each read of a lifetime's records (holds a load).</summary>
    public Func<Task>? BeforeRead { get; set; }

    public async IAsyncEnumerable<JournalEntry> ReadAsync(string lifetimeId, long fromSequence, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (BeforeRead is { } gate)
        {
            await gate();
        }

        await foreach (var entry in _inner.ReadAsync(lifetimeId, fromSequence, cancellationToken))
        {
            yield return entry;
        }
    }

    public ValueTask<IReadOnlyList<LifetimeSummary>> ListLifetimesAsync(LifetimeQuery query, CancellationToken cancellationToken) => _inner.ListLifetimesAsync(query, cancellationToken);

    public ValueTask<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken) => _inner.ListUnfinishedAsync(cancellationToken);

    public ValueTask<string?> FindPinnedGraphHashAsync(string graphName, string graphVersion, CancellationToken cancellationToken) => _inner.FindPinnedGraphHashAsync(graphName, graphVersion, cancellationToken);

    public ValueTask<LifetimeSnapshot?> ReadSnapshotAsync(string lifetimeId, CancellationToken cancellationToken) => _inner.ReadSnapshotAsync(lifetimeId, cancellationToken);

    public ValueTask WriteSnapshotAsync(LifetimeSnapshot snapshot, CancellationToken cancellationToken) => _inner.WriteSnapshotAsync(snapshot, cancellationToken);

    public ValueTask<TenantLedgerState?> ReadTenantLedgerAsync(string tenantId, CancellationToken cancellationToken) => _inner.ReadTenantLedgerAsync(tenantId, cancellationToken);

    /// <summary>Tests only: awaited before each tenant ledger write (holds a guardrail grain inside its charge).</summary>
    public Func<Task>? BeforeLedgerWrite { get; set; }

    public async ValueTask WriteTenantLedgerAsync(TenantLedgerState state, CancellationToken cancellationToken)
    {
        await Task.Yield();
        if (BeforeLedgerWrite is { } gate)
        {
            await gate();
        }

        await _inner.WriteTenantLedgerAsync(state, cancellationToken);
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
