namespace Agentic.Orleans;

/// <summary>One key of a tenant as stored: its name, when it was issued, and the hash of its secret.</summary>
[GenerateSerializer, Immutable, Alias("agentic.TenantKeyRecord")]
public sealed record TenantKeyRecord([property: Id(0)] string Name, [property: Id(1)] DateTimeOffset CreatedAt, [property: Id(2)] string Hash);
