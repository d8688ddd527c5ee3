using System.Text.Json;
using System.Text.Json.Serialization;

namespace Agentic.Client;

/// <summary>
/// Start a lifetime of a published graph version (<see cref="Graph"/> may also be <c>name@version</c>; without a
/// version, the version published last). The same idempotency key (per tenant) returns the same lifetime.
/// </summary>
public sealed record StartLifetimeRequest(
    string Graph,
    string? Version,
    JsonElement? Input,
    [property: JsonPropertyName("idempotency_key")] string? IdempotencyKey,
    [property: JsonPropertyName("iteration_cap")] int? IterationCap);
