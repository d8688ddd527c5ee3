namespace Agentic.Orleans;

/// <summary>
/// A durable journal record, by reference: published on the lifetime's stream after the record is stored, indexed by
/// the lifetime's journal grain. The store holds the record itself; a lost or repeated reference is repaired from it.
/// </summary>
/// <param name="Kind">started, task, plan, control or ended.</param>
/// <param name="Phase">The execution's phase (task, plan), the lifetime's (ended), or the control action (control).</param>
[GenerateSerializer, Immutable, Alias("agentic.ExecutionRef")]
public sealed record ExecutionRef(
    [property: Id(0)] string LifetimeId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string Kind,
    [property: Id(3)] string? ExecutionId,
    [property: Id(4)] string? Node,
    [property: Id(5)] string Phase,
    [property: Id(6)] long TokensUsed,
    [property: Id(7)] double CostUsd,
    [property: Id(8)] string? BlobUri,
    [property: Id(9)] DateTimeOffset RecordedAt)
{
    /// <summary>The lifetime's last record: nothing follows it.</summary>
    public bool EndsLifetime => Kind == "ended";
}
