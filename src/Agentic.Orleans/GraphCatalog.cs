namespace Agentic.Orleans;

/// <summary>The stored state of <see cref="GraphCatalogGrain"/>.</summary>
[GenerateSerializer, Alias("agentic.GraphCatalog")]
public sealed class GraphCatalog
{
    [Id(0)]
    public SortedSet<string> Names { get; init; } = new(StringComparer.Ordinal);
}
