using System.Text.Json;
using Agentic.Client;
using Agentic.Orleans;

namespace Agentic.Server.Api;

/// <summary>The grains' answers as the API's resources (<see cref="Agentic.Client"/> holds their shapes).</summary>
internal static class ApiResources
{
    public static LifetimeResource Lifetime(LifetimeState s) => new(
        s.LifetimeId,
        s.GraphName,
        s.GraphVersion,
        s.GraphHash,
        s.Phase,
        s.LastSequence,
        s.Executions,
        s.Iterations,
        Json(s.LifetimeId, s.Result),
        s.Reason,
        s.Awaiting.Select(a => new AwaitedResource(a.ExecutionId, a.NodeName, a.Phase, Json(s.LifetimeId, a.Prompt), a.NodeType, a.Attempt, a.Iteration)).ToList(),
        s.TokensUsed,
        s.CostUsd,
        s.TenantId);

    public static ExecutionRefResource Event(ExecutionRef r) => new(r.LifetimeId, r.Sequence, r.Kind, r.ExecutionId, r.Node, r.Phase, r.TokensUsed, r.CostUsd, r.RecordedAt);

    private static JsonElement? Json(string lifetimeId, PayloadData? payload) => payload switch
    {
        null => null,
        { Blob: { } blob } => ApiBlobs.Reference(lifetimeId, blob.Sha256, blob.SizeBytes, blob.MediaType),
        { MediaType: PayloadData.Json } => JsonDocument.Parse(payload.Bytes).RootElement.Clone(),
        _ => JsonSerializer.SerializeToElement(new { media_type = payload.MediaType, base64 = Convert.ToBase64String(payload.Bytes) }),
    };
}
