namespace Agentic.Orleans;

/// <summary>One finished execution's usage as charged to its tenant, with when it was spent (windows count by it).</summary>
[GenerateSerializer, Immutable, Alias("agentic.UsageCharge")]
public sealed record UsageCharge(
    [property: Id(0)] string Node,
    [property: Id(1)] string NodeType,
    [property: Id(2)] int Attempt,
    [property: Id(3)] int Iteration,
    [property: Id(4)] long InputTokens,
    [property: Id(5)] long OutputTokens,
    [property: Id(6)] double CostUsd,
    [property: Id(7)] double LatencyMs,
    [property: Id(8)] string? Model,
    [property: Id(9)] DateTimeOffset At);
