using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agentic.Client;

/// <summary>A lifetime as the API shows it.</summary>
public sealed record LifetimeResource(
    string Id,
    string Graph,
    string Version,
    [property: JsonPropertyName("graph_hash")] string GraphHash,
    string Phase,
    [property: JsonPropertyName("last_sequence")] long LastSequence,
    long Executions,
    int Iterations,
    JsonElement? Result,
    string? Reason,
    IReadOnlyList<AwaitedResource> Awaiting,
    [property: JsonPropertyName("tokens_used")] long TokensUsed,
    [property: JsonPropertyName("cost_usd")] double CostUsd,
    string? Tenant = null);
