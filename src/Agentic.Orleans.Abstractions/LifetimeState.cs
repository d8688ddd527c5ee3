namespace Agentic.Orleans;

/// <summary>A lifetime as it stands: phase (wire name: running, waiting, paused, completed, …), counters, awaited executions.</summary>
[GenerateSerializer, Immutable, Alias("agentic.LifetimeState")]
public sealed record LifetimeState(
    [property: Id(0)] string LifetimeId,
    [property: Id(1)] string TenantId,
    [property: Id(2)] string GraphName,
    [property: Id(3)] string GraphVersion,
    [property: Id(4)] string GraphHash,
    [property: Id(5)] string Phase,
    [property: Id(6)] long LastSequence,
    [property: Id(7)] long Executions,
    [property: Id(8)] int Iterations,
    [property: Id(9)] PayloadData? Result,
    [property: Id(10)] string? Reason,
    [property: Id(11)] IReadOnlyList<AwaitedExecutionState> Awaiting,
    [property: Id(12)] long TokensUsed,
    [property: Id(13)] double CostUsd)
{
    /// <summary>Completed, failed, aborted or cancelled.</summary>
    public bool HasEnded => Phase is "completed" or "failed" or "aborted" or "cancelled";
}
