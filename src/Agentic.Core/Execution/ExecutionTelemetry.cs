namespace Agentic.Core.Execution;

/// <summary>Policy telemetry of one execution. Latency is measured by the runtime, never reported by the node.</summary>
public sealed record ExecutionTelemetry(long InputTokens, long OutputTokens, double CostUsd, double LatencyMs)
{
    public static ExecutionTelemetry None { get; } = new(0, 0, 0, 0);

    public long TokensUsed => InputTokens + OutputTokens;
}
