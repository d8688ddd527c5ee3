namespace Agentic.Orleans;

/// <summary>A key just issued: <paramref name="Secret"/> is shown this once and stored only as its hash.</summary>
[GenerateSerializer, Immutable, Alias("agentic.IssuedApiKey")]
public sealed record IssuedApiKey(
    [property: Id(0)] string TenantId,
    [property: Id(1)] ApiKeyInfo Key,
    [property: Id(2)] string Secret);
