namespace Agentic.Orleans;

/// <summary>
/// An item leased to one worker until <paramref name="Deadline"/> (extended by heartbeats). <paramref name="Offer"/>
/// counts the times it was handed out: a lease that expired is offered again with the next number and the same
/// idempotency key, so a worker can tell a repeat from new work.
/// </summary>
[GenerateSerializer, Immutable, Alias("agentic.WorkLease")]
public sealed record WorkLease(
    [property: Id(0)] string LeaseId,
    [property: Id(1)] WorkItem Item,
    [property: Id(2)] int Offer,
    [property: Id(3)] DateTimeOffset Deadline);
