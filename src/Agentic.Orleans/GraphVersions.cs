namespace Agentic.Orleans;

/// <summary>The stored state of <see cref="GraphRegistryGrain"/>: the versions published, oldest first.</summary>
[GenerateSerializer, Alias("agentic.GraphVersions")]
public sealed class GraphVersions
{
    [Id(0)]
    public List<PublishedGraph> Versions { get; init; } = [];
}
