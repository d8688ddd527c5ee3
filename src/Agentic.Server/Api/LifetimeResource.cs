using System.Text.Json;
using System.Text.Json.Serialization;
using Agentic.Orleans;

namespace Agentic.Server.Api;

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
    [property: JsonPropertyName("cost_usd")] double CostUsd)
{
    internal static LifetimeResource Of(LifetimeState s) => new(
        s.LifetimeId,
        s.GraphName,
        s.GraphVersion,
        s.GraphHash,
        s.Phase,
        s.LastSequence,
        s.Executions,
        s.Iterations,
        Json(s.Result),
        s.Reason,
        s.Awaiting.Select(a => new AwaitedResource(a.ExecutionId, a.NodeName, a.Phase, Json(a.Prompt))).ToList(),
        s.TokensUsed,
        s.CostUsd);

    private static JsonElement? Json(PayloadData? payload) => payload switch
    {
        null => null,
        { Blob: { } blob } => JsonSerializer.SerializeToElement(new { blob = blob.Uri, size_bytes = blob.SizeBytes, media_type = blob.MediaType }),
        { MediaType: PayloadData.Json } => JsonDocument.Parse(payload.Bytes).RootElement.Clone(),
        _ => JsonSerializer.SerializeToElement(new { media_type = payload.MediaType, base64 = Convert.ToBase64String(payload.Bytes) }),
    };
}
