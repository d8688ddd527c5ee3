namespace Agentic.Orleans;

/// <summary>
/// Events of a tenant's feed after a position: <paramref name="Epoch"/> names the feed grain's activation (positions
/// start again in a new one), <paramref name="First"/> is the position of the first event given.
/// </summary>
[GenerateSerializer, Immutable, Alias("agentic.TenantFeedPage")]
public sealed record TenantFeedPage([property: Id(0)] string Epoch, [property: Id(1)] long First, [property: Id(2)] IReadOnlyList<TenantPhaseEvent> Events);
