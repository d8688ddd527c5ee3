using System.Text.Json;

namespace Agentic.Client;

/// <summary>The input a waiting execution asked for, and who gives it.</summary>
public sealed record InputRequest(JsonElement Input, string? Actor);
