namespace Agentic.Orleans;

/// <summary>A tenant as the server knows it, with its keys (ids and names only: secrets are never kept).</summary>
[GenerateSerializer, Immutable, Alias("agentic.TenantInfo")]
public sealed record TenantInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string? DisplayName,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] IReadOnlyList<ApiKeyInfo> Keys);
