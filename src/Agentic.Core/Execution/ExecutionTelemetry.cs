namespace Agentic.Core.Execution;

/// <summary>Policy telemetry of one execution (a value: no object per record). Latency is measured by the runtime, never reported by the node.</summary>
public readonly record struct ExecutionTelemetry(long InputTokens, long OutputTokens, double CostUsd, double LatencyMs)
{
    public static ExecutionTelemetry None => default;

    public long TokensUsed => InputTokens + OutputTokens;
}
