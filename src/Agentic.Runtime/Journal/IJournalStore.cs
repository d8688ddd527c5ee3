using Agentic.Core.Execution;

namespace Agentic.Runtime.Journal;

/// <summary>
/// Append-only storage of lifetime journals (adapter SPI). Implementations must append a batch atomically,
/// refuse a record whose sequence is not the lifetime's last + 1, and never update or delete a record.
/// </summary>
public interface IJournalStore : IAsyncDisposable
{
    /// <summary>A short name for progress and benchmark output (none, sqlite, postgres).</summary>
    string Profile { get; }

    /// <summary>Appends records of possibly many lifetimes in one transaction; when it returns they are durable.</summary>
    ValueTask AppendAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken);

    /// <summary>A lifetime's records in sequence order, from <paramref name="fromSequence"/>.</summary>
    IAsyncEnumerable<JournalEntry> ReadAsync(string lifetimeId, long fromSequence, CancellationToken cancellationToken);

    /// <summary>Lifetimes known to the store, newest first (by start, then id descending), as <paramref name="query"/> filters and pages them.</summary>
    ValueTask<IReadOnlyList<LifetimeSummary>> ListLifetimesAsync(LifetimeQuery query, CancellationToken cancellationToken);

    /// <summary>Ids of lifetimes without an end record (running, waiting or paused, or cut off by a crash), oldest first.</summary>
    ValueTask<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken);

    /// <summary>The content hash lifetimes of graph <paramref name="graphName"/> version <paramref name="graphVersion"/> are pinned to, if any.</summary>
    ValueTask<string?> FindPinnedGraphHashAsync(string graphName, string graphVersion, CancellationToken cancellationToken);

    /// <summary>The latest snapshot of a lifetime's state, if one was written. Snapshots are an optimisation only.</summary>
    ValueTask<LifetimeSnapshot?> ReadSnapshotAsync(string lifetimeId, CancellationToken cancellationToken);

    /// <summary>Replaces the lifetime's snapshot (never touches the journal).</summary>
    ValueTask WriteSnapshotAsync(LifetimeSnapshot snapshot, CancellationToken cancellationToken);

    /// <summary>A tenant's guardrail ledger (windowed usage totals), if one was written.</summary>
    ValueTask<TenantLedgerState?> ReadTenantLedgerAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Replaces a tenant's ledger; durable when it returns. A state with fewer charges never replaces one with more.</summary>
    ValueTask WriteTenantLedgerAsync(TenantLedgerState state, CancellationToken cancellationToken);
}
