using Agentic.Core.Execution;

namespace Agentic.Core.Guardrails;

/// <summary>What guardrails see of one finished execution: where it ran, which attempt and iteration, and its telemetry.</summary>
public readonly record struct UsageSample(string Node, string NodeType, int Attempt, int Iteration, ExecutionTelemetry Telemetry)
{
    /// <summary>The numeric fields policies can compare and aggregate, in <see cref="UsageTotals"/> order.</summary>
    public static readonly IReadOnlyList<string> Fields = ["tokens_used", "input_tokens", "output_tokens", "cost_usd", "latency_ms", "attempt", "iteration_idx"];

    public static int FieldIndex(string field) => field switch
    {
        "tokens_used" => 0,
        "input_tokens" => 1,
        "output_tokens" => 2,
        "cost_usd" => 3,
        "latency_ms" => 4,
        "attempt" => 5,
        "iteration_idx" => 6,
        _ => -1,
    };

    public double Field(int index) => index switch
    {
        0 => Telemetry.TokensUsed,
        1 => Telemetry.InputTokens,
        2 => Telemetry.OutputTokens,
        3 => Telemetry.CostUsd,
        4 => Telemetry.LatencyMs,
        5 => Attempt,
        6 => Iteration,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "not a usage field"),
    };
}
