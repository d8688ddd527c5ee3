namespace Agentic.Orleans;

/// <summary>Starts a lifetime of a published graph version (<see cref="IGraphRegistryGrain"/>).</summary>
[GenerateSerializer, Immutable, Alias("agentic.StartPublishedLifetimeCommand")]
public sealed record StartPublishedLifetimeCommand(
    [property: Id(0)] string GraphName,
    [property: Id(1)] string Version,
    [property: Id(2)] string TenantId,
    [property: Id(3)] PayloadData? Input,
    [property: Id(4)] int? IterationCap);
