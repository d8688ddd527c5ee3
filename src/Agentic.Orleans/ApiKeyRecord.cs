namespace Agentic.Orleans;

/// <summary>The stored state of <see cref="ApiKeyGrain"/>: the tenant the key authenticates (null: revoked or never issued).</summary>
[GenerateSerializer, Alias("agentic.ApiKeyRecord")]
public sealed class ApiKeyRecord
{
    [Id(0)]
    public string? TenantId { get; set; }
}
