namespace Agentic.Core.Execution;

/// <summary>
/// Policy telemetry of one execution (a value: no object per record). Latency is measured by the runtime, never
/// reported by the node; <paramref name="Model"/> names the model that answered, if any; <paramref name="Metrics"/>
/// are the free-form metrics the node recorded.
/// </summary>
public readonly record struct ExecutionTelemetry(long InputTokens, long OutputTokens, double CostUsd, double LatencyMs, string? Model = null, IReadOnlyDictionary<string, double>? Metrics = null)
{
    public static ExecutionTelemetry None => default;

    public long TokensUsed => InputTokens + OutputTokens;
}
