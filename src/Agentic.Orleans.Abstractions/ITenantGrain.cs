namespace Agentic.Orleans;

/// <summary>
/// A tenant of the server (key: tenant id) and its API keys. Keys are stored hashed (SHA-256 of a 256-bit random
/// secret); the secret is returned once, when the key is issued.
/// </summary>
[Alias("agentic.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant; <see cref="InvalidOperationException"/> when it exists.</summary>
    [Alias("create")]
    Task<TenantInfo> CreateAsync(string? displayName);

    /// <summary>The tenant, or null when it was never created.</summary>
    [Alias("get")]
    Task<TenantInfo?> GetAsync();

    /// <summary>Issues a key (<see cref="KeyNotFoundException"/> when the tenant does not exist).</summary>
    [Alias("issue-key")]
    Task<IssuedApiKey> IssueKeyAsync(string name);

    /// <summary>Revokes a key by id; false when the tenant has no such key.</summary>
    [Alias("revoke-key")]
    Task<bool> RevokeKeyAsync(string keyId);
}
