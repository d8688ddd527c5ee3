namespace Agentic.Tests;

/// <summary>What re-activations from the journal cost, summed over every silo of a test cluster.</summary>
internal sealed record ActivationTotals(long RecordsAppliedOnActivation, long SnapshotsUsedOnActivation, long SnapshotsIgnoredOnActivation, long SnapshotsTaken);
