using System.Text.Json.Serialization;

namespace Agentic.Client;

/// <summary>A published graph version.</summary>
public sealed record PublishedGraphResource(string Name, string Version, string Hash, [property: JsonPropertyName("published_at")] DateTimeOffset PublishedAt);
