namespace Agentic.Orleans;

/// <summary>
/// A charge a tenant's guardrail grain keeps for one attempt of one execution whose record was never confirmed: what
/// the attempt spent, for the lifetime's next activation to record it as lost.
/// </summary>
[GenerateSerializer, Immutable, Alias("agentic.UnrecordedChargeData")]
public sealed record UnrecordedChargeData(
    [property: Id(0)] string ExecutionId,
    [property: Id(1)] int Attempt,
    [property: Id(2)] long InputTokens,
    [property: Id(3)] long OutputTokens,
    [property: Id(4)] double CostUsd,
    [property: Id(5)] double LatencyMs,
    [property: Id(6)] string? Model,
    [property: Id(7)] string Activation = "",
    [property: Id(8)] bool Certain = false);
