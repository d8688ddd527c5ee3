namespace Agentic.Orleans;

/// <summary>An issued API key, without its secret.</summary>
[GenerateSerializer, Immutable, Alias("agentic.ApiKeyInfo")]
public sealed record ApiKeyInfo(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset CreatedAt);
