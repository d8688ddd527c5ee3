namespace Agentic.Runtime.Diagnostics;

/// <summary>
/// The names to subscribe to: the <see cref="System.Diagnostics.ActivitySource"/> whose spans are the executions (one
/// per durable execution record, in a trace per lifetime), and the <see cref="System.Diagnostics.Metrics.Meter"/>
/// with the runtime's instruments.
/// </summary>
public static class AgenticTelemetry
{
    public const string SourceName = "Agentic";

    public const string MeterName = "Agentic";
}
