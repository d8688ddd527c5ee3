namespace Agentic.Orleans;

/// <summary>The stored state of <see cref="TenantGrain"/>.</summary>
[GenerateSerializer, Alias("agentic.TenantRecord")]
public sealed class TenantRecord
{
    [Id(0)]
    public DateTimeOffset? CreatedAt { get; set; }

    [Id(1)]
    public string? DisplayName { get; set; }

    /// <summary>Key id → (name, created, SHA-256 of the secret).</summary>
    [Id(2)]
    public Dictionary<string, TenantKeyRecord> Keys { get; init; } = [];
}
