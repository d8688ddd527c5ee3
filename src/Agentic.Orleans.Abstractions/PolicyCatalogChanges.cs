namespace Agentic.Orleans;

/// <summary>Every tenant's policy file at one revision of the catalog (each change of any tenant's file adds one).</summary>
[GenerateSerializer, Immutable, Alias("agentic.PolicyCatalogChanges")]
public sealed record PolicyCatalogChanges(
    [property: Id(0)] long Revision,
    [property: Id(1)] IReadOnlyList<TenantPolicyDocument> Tenants);
