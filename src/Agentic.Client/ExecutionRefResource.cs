using System.Text.Json.Serialization;

namespace Agentic.Client;

/// <summary>One journal record as a live event carries it (the record itself: <c>GET /v1/lifetimes/{id}/journal</c>).</summary>
public sealed record ExecutionRefResource(
    [property: JsonPropertyName("lifetime_id")] string LifetimeId,
    long Sequence,
    string Kind,
    [property: JsonPropertyName("execution_id")] string? ExecutionId,
    string? Node,
    string Phase,
    [property: JsonPropertyName("tokens_used")] long TokensUsed,
    [property: JsonPropertyName("cost_usd")] double CostUsd,
    [property: JsonPropertyName("recorded_at")] DateTimeOffset RecordedAt);
