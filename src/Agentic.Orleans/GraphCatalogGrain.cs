namespace Agentic.Orleans;

/// <summary>A tenant's published graph names, in grain storage <c>agentic</c>; written once per new name.</summary>
internal sealed class GraphCatalogGrain(
    [PersistentState("graph-catalog", AgenticSiloBuilderExtensions.StorageName)] IPersistentState<GraphCatalog> catalog) : Grain, IGraphCatalogGrain
{
    public async Task AddAsync(string graphName)
    {
        ArgumentException.ThrowIfNullOrEmpty(graphName);
        if (catalog.State.Names.Add(graphName))
        {
            await catalog.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> ListAsync() => Task.FromResult<IReadOnlyList<string>>(catalog.State.Names.ToList());
}
