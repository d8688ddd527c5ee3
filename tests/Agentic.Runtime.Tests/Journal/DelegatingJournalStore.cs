using Agentic.Core.Execution;
using Agentic.Runtime.Journal;

namespace Agentic.Runtime.Tests.Journal;

/// <summary>
/// A store with I/O to wait for (it is not an <see cref="ISynchronousJournalStore"/>) that keeps everything in an
/// in-memory store; tests override what they observe or break.
/// </summary>
internal abstract class DelegatingJournalStore : IJournalStore
{
    protected InMemoryJournalStore Inner { get; } = new();

    public virtual string Profile => "delegating";

    public virtual ValueTask AppendAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken) => Inner.AppendAsync(batch, cancellationToken);

    public IAsyncEnumerable<JournalEntry> ReadAsync(string lifetimeId, long fromSequence, CancellationToken cancellationToken) => Inner.ReadAsync(lifetimeId, fromSequence, cancellationToken);

    public ValueTask<IReadOnlyList<LifetimeSummary>> ListLifetimesAsync(LifetimeQuery query, CancellationToken cancellationToken) => Inner.ListLifetimesAsync(query, cancellationToken);

    public ValueTask<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken) => Inner.ListUnfinishedAsync(cancellationToken);

    public ValueTask<string?> FindPinnedGraphHashAsync(string graphName, string graphVersion, CancellationToken cancellationToken) => Inner.FindPinnedGraphHashAsync(graphName, graphVersion, cancellationToken);

    public ValueTask<LifetimeSnapshot?> ReadSnapshotAsync(string lifetimeId, CancellationToken cancellationToken) => Inner.ReadSnapshotAsync(lifetimeId, cancellationToken);

    public ValueTask WriteSnapshotAsync(LifetimeSnapshot snapshot, CancellationToken cancellationToken) => Inner.WriteSnapshotAsync(snapshot, cancellationToken);

    public virtual ValueTask<TenantLedgerState?> ReadTenantLedgerAsync(string tenantId, CancellationToken cancellationToken) => Inner.ReadTenantLedgerAsync(tenantId, cancellationToken);

    public virtual ValueTask WriteTenantLedgerAsync(TenantLedgerState state, CancellationToken cancellationToken) => Inner.WriteTenantLedgerAsync(state, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
