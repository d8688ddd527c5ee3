using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Orleans;

/// <summary>
/// One tenant's published versions of one graph (key: <see cref="GraphRegistryKey"/>), in grain storage <c>agentic</c> (memory unless the host configured a provider under
/// that name: AdoNet on PostgreSQL in a cluster). Validated against the silo's node types when published.
/// </summary>
internal sealed class GraphRegistryGrain : Grain, IGraphRegistryGrain
{
    private readonly LifetimeServices _services;
    private readonly IPersistentState<GraphVersions> _versions;

    public GraphRegistryGrain(IServiceProvider services, [PersistentState("graph-versions", AgenticSiloBuilderExtensions.StorageName)] IPersistentState<GraphVersions> versions)
    {
        _services = services.GetRequiredService<LifetimeServices>();
        _versions = versions;
    }

    public async Task<PublishedGraph> PublishAsync(string graphJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphJson);
        if (_versions.State.Versions.FirstOrDefault(v => v.GraphJson == graphJson) is { } same)
        {
            return same; // the usual case: every start of a graph publishes the same JSON again
        }

        var graph = GraphJson.ReadValid(graphJson, _services.Nodes, nameof(graphJson));
        var (_, name) = GraphRegistryKey.Parse(this.GetPrimaryKeyString());
        if (graph.Name != name)
        {
            throw new ArgumentException($"graph '{graph.Name}' cannot be published as '{name}'", nameof(graphJson));
        }

        var version = graph.Version.ToString();
        if (_versions.State.Versions.FirstOrDefault(v => v.Version == version) is { } published)
        {
            return published.Hash == graph.ContentHash
                ? published
                : throw new InvalidOperationException($"graph '{name}' version {version} is published with content hash {published.Hash}; this content has hash {graph.ContentHash}. Bump the version to publish a changed graph.");
        }

        var (tenant, _) = GraphRegistryKey.Parse(this.GetPrimaryKeyString());
        if (_versions.State.Versions.Count == 0)
        {
            // Listed before the version is stored: a listed name may have no version yet, never the reverse.
            await GrainFactory.GetGrain<IGraphCatalogGrain>(tenant).AddAsync(name);
        }

        var added = new PublishedGraph(name, version, graph.ContentHash, graph.CanonicalJson, _services.Time.GetUtcNow());
        _versions.State.Versions.Add(added);
        await _versions.WriteStateAsync();
        return added;
    }

    public Task<PublishedGraph?> GetAsync(string version) =>
        Task.FromResult(_versions.State.Versions.FirstOrDefault(v => v.Version == version));

    public Task<IReadOnlyList<PublishedGraph>> ListAsync() =>
        Task.FromResult<IReadOnlyList<PublishedGraph>>(_versions.State.Versions.ToArray());
}
