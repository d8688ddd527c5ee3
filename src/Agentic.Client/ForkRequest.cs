using System.Text.Json.Serialization;

namespace Agentic.Client;

/// <summary>Fork a lifetime: the new one copies its records up to <paramref name="FromSequence"/> and runs on from there.</summary>
public sealed record ForkRequest([property: JsonPropertyName("from_sequence")] long FromSequence);
