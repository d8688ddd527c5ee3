namespace Agentic.Orleans;

/// <summary>
/// One API key (key: the lowercase hex SHA-256 of its secret): which tenant it authenticates, until revoked. The
/// server hashes the presented secret and asks this grain; the secret itself is stored nowhere.
/// </summary>
[Alias("agentic.IApiKeyGrain")]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>The tenant the key authenticates, or null (never issued, or revoked).</summary>
    [Alias("tenant")]
    Task<string?> GetTenantAsync();
}
