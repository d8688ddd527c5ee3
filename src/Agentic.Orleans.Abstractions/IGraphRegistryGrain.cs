namespace Agentic.Orleans;

/// <summary>
/// One tenant's published versions of one graph (key: <see cref="GraphRegistryKey"/>). A published version is immutable: publishing the same
/// content again returns it; other content under the same version is refused (bump the version).
/// </summary>
[Alias("agentic.IGraphRegistryGrain")]
public interface IGraphRegistryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Publishes a graph given in canonical JSON (its name must be the key's graph name). Refused: an invalid graph
    /// (<see cref="ArgumentException"/>), or a version already published with other content
    /// (<see cref="InvalidOperationException"/>).
    /// </summary>
    [Alias("publish")]
    Task<PublishedGraph> PublishAsync(string graphJson);

    /// <summary>A published version, or null.</summary>
    [Alias("get")]
    Task<PublishedGraph?> GetAsync(string version);

    /// <summary>Every published version, oldest first.</summary>
    [Alias("list")]
    Task<IReadOnlyList<PublishedGraph>> ListAsync();
}
