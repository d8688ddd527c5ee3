using System.Text.Json.Serialization;
using Agentic.Orleans;

namespace Agentic.Server.Api;

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
    [property: JsonPropertyName("recorded_at")] DateTimeOffset RecordedAt)
{
    internal static ExecutionRefResource Of(ExecutionRef r) => new(r.LifetimeId, r.Sequence, r.Kind, r.ExecutionId, r.Node, r.Phase, r.TokensUsed, r.CostUsd, r.RecordedAt);
}
