using Agentic.Core.Execution;
using Agentic.Runtime.Journal;

namespace Agentic.Orleans.Tests;

/// <summary>
/// A store that fails with its own exception type (as a database driver does) never reaches a cluster client as a type
/// it cannot deserialize: the grain answers with an InvalidOperationException naming the failure.
/// </summary>
public sealed class CallerReadableExceptionTests
{
    [Fact]
    public async Task AStoresOwnException_ReachesTheClient_AsAnInvalidOperationException_WithItsTypeAndMessage()
    {
        await using var store = new FailingReadStore();
        await using var cluster = await AgenticTestCluster.StartAsync(1, store);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => cluster.Client.GetGrain<IAgentLifetimeGrain>("any").InspectAsync());

        Assert.StartsWith("InspectAsync failed: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the server closed the connection", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>An exception type only the silo knows (never registered with any serializer).</summary>
    private sealed class DriverSpecificException(string message) : Exception(message)
    {
        public object Unserializable { get; } = new();
    }

    private sealed class FailingReadStore : IJournalStore, IAsyncDisposable
    {
        private readonly InMemoryJournalStore _inner = new();

        public string Profile => "failing";

        public ValueTask AppendAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken) => _inner.AppendAsync(batch, cancellationToken);

        public IAsyncEnumerable<JournalEntry> ReadAsync(string lifetimeId, long fromSequence, CancellationToken cancellationToken) =>
            throw new DriverSpecificException("the server closed the connection");

        public ValueTask<IReadOnlyList<LifetimeSummary>> ListLifetimesAsync(LifetimeQuery query, CancellationToken cancellationToken) => _inner.ListLifetimesAsync(query, cancellationToken);

        public ValueTask<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken) => _inner.ListUnfinishedAsync(cancellationToken);

        public ValueTask<string?> FindPinnedGraphHashAsync(string graphName, string graphVersion, CancellationToken cancellationToken) => _inner.FindPinnedGraphHashAsync(graphName, graphVersion, cancellationToken);

        public ValueTask<LifetimeSnapshot?> ReadSnapshotAsync(string lifetimeId, CancellationToken cancellationToken) => _inner.ReadSnapshotAsync(lifetimeId, cancellationToken);

        public ValueTask WriteSnapshotAsync(LifetimeSnapshot snapshot, CancellationToken cancellationToken) => _inner.WriteSnapshotAsync(snapshot, cancellationToken);

        public ValueTask<TenantLedgerState?> ReadTenantLedgerAsync(string tenantId, CancellationToken cancellationToken) => _inner.ReadTenantLedgerAsync(tenantId, cancellationToken);

        public ValueTask WriteTenantLedgerAsync(TenantLedgerState state, CancellationToken cancellationToken) => _inner.WriteTenantLedgerAsync(state, cancellationToken);

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }
}
