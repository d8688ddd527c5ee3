namespace Agentic.Orleans;

/// <summary>One lifetime of a tenant changed its listed phase (running, waiting, paused, completed, …) with record <paramref name="Sequence"/>.</summary>
[GenerateSerializer, Immutable, Alias("agentic.TenantPhaseEvent")]
public sealed record TenantPhaseEvent(
    [property: Id(0)] string LifetimeId,
    [property: Id(1)] string Graph,
    [property: Id(2)] string Version,
    [property: Id(3)] string Phase,
    [property: Id(4)] long Sequence,
    [property: Id(5)] DateTimeOffset At);
