namespace Agentic.Orleans;

/// <summary>What a worker reported for an item: its result (JSON), or the error it failed with.</summary>
[GenerateSerializer, Immutable, Alias("agentic.WorkOutcome")]
public sealed record WorkOutcome([property: Id(0)] string? ResultJson, [property: Id(1)] string? Error);
