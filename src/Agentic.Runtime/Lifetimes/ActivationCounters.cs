namespace Agentic.Runtime.Lifetimes;

/// <summary>What re-activations cost: records applied, snapshots used and snapshots ignored (unreadable or not fitting the journal).</summary>
public sealed class ActivationCounters
{
    // Fields, not properties: updated with Interlocked from the loaders.
#pragma warning disable CA1051
    internal long RecordsApplied;
    internal long SnapshotsUsed;
    internal long SnapshotsIgnored;
    internal long SnapshotsWritten;
#pragma warning restore CA1051

    /// <summary>Journal records applied to rebuild lifetimes (after their snapshot, when one was used).</summary>
    public long RecordsAppliedOnActivation => Interlocked.Read(ref RecordsApplied);

    public long SnapshotsUsedOnActivation => Interlocked.Read(ref SnapshotsUsed);

    public long SnapshotsIgnoredOnActivation => Interlocked.Read(ref SnapshotsIgnored);

    public long SnapshotsTaken => Interlocked.Read(ref SnapshotsWritten);
}
