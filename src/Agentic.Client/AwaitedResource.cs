using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agentic.Client;

/// <summary>An execution a lifetime waits on (a human input) or runs now.</summary>
public sealed record AwaitedResource(
    [property: JsonPropertyName("execution_id")] string ExecutionId,
    string Node,
    string Phase,
    JsonElement? Prompt,
    [property: JsonPropertyName("node_type")] string? NodeType = null,
    int Attempt = 1,
    int Iteration = 0);
