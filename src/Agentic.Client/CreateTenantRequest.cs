using System.Text.Json.Serialization;

namespace Agentic.Client;

/// <summary>Create a tenant (admin).</summary>
public sealed record CreateTenantRequest(string Id, [property: JsonPropertyName("display_name")] string? DisplayName);
