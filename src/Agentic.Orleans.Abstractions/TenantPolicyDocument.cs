namespace Agentic.Orleans;

/// <summary>A tenant's own policy file as uploaded: its text, the version of the set it reads as, and when it was stored.</summary>
[GenerateSerializer, Immutable, Alias("agentic.TenantPolicyDocument")]
public sealed record TenantPolicyDocument(
    [property: Id(0)] string Tenant,
    [property: Id(1)] string Text,
    [property: Id(2)] string Version,
    [property: Id(3)] DateTimeOffset UploadedAt);
