using System.Text.Json.Serialization;

namespace Agentic.Client;

/// <summary>A lifetime as the listing shows it.</summary>
public sealed record LifetimeSummary(
    string Id,
    string Graph,
    string Version,
    string Phase,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("ended_at")] DateTimeOffset? EndedAt,
    [property: JsonPropertyName("last_sequence")] long LastSequence,
    string? Reason,
    string? Tenant = null);
