namespace Agentic.Orleans;

/// <summary>The names of the graphs a tenant published (key: tenant id), for listing; each name's versions are in its registry grain.</summary>
[Alias("agentic.IGraphCatalogGrain")]
public interface IGraphCatalogGrain : IGrainWithStringKey
{
    [Alias("add")]
    Task AddAsync(string graphName);

    /// <summary>The names, in ordinal order.</summary>
    [Alias("list")]
    Task<IReadOnlyList<string>> ListAsync();
}
