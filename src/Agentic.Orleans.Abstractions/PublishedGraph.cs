namespace Agentic.Orleans;

/// <summary>A graph version published to the cluster: immutable, identified by name, version and content hash.</summary>
[GenerateSerializer, Immutable, Alias("agentic.PublishedGraph")]
public sealed record PublishedGraph(
    [property: Id(0)] string Name,
    [property: Id(1)] string Version,
    [property: Id(2)] string Hash,
    [property: Id(3)] string GraphJson,
    [property: Id(4)] DateTimeOffset PublishedAt);
