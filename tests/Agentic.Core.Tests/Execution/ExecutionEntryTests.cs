using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Core.Guardrails;

namespace Agentic.Core.Tests.Execution;

/// <summary>The record keeps rarely set fields in a side object: every field must still read back as written.</summary>
public sealed class ExecutionEntryTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    private static ExecutionEntry Entry(ExecutionTelemetry telemetry, string? error = null, string? providedBy = null, PolicyDecision? decision = null, string? policySetVersion = null) => new()
    {
        LifetimeId = "lt",
        Sequence = 2,
        RecordedAt = At,
        ExecutionId = "lt.1",
        NodeName = "work",
        NodeKind = NodeKind.Task,
        NodeType = "echo",
        Attempt = 1,
        Iteration = 0,
        Phase = error is null ? ExecutionPhase.Completed : ExecutionPhase.Failed,
        ParentIds = [],
        EdgeTaken = "start",
        IdempotencyKey = "lt.1",
        StartedAt = At,
        Error = error,
        Telemetry = telemetry,
        ProvidedBy = providedBy,
        Decision = decision,
        PolicySetVersion = policySetVersion,
    };

    [Fact]
    public void A_record_with_latency_only_reads_back_empty_rare_fields()
    {
        var e = Entry(new ExecutionTelemetry(0, 0, 0, 1.25));
        Assert.Equal(new ExecutionTelemetry(0, 0, 0, 1.25), e.Telemetry);
        Assert.Null(e.Error);
        Assert.Null(e.ProvidedBy);
        Assert.Null(e.Decision);
        Assert.Null(e.PolicySetVersion);
    }

    [Fact]
    public void Every_rare_field_reads_back_as_written_and_survives_a_copy()
    {
        var metrics = new Dictionary<string, double> { ["retrieved"] = 3 };
        var telemetry = new ExecutionTelemetry(120, 30, 0.002, 4.5, "gpt-test", metrics);
        var decision = new PolicyDecision("cap", PolicyScope.Lifetime, PolicyAction.PauseLifetime, "lt", 2, 1, "v1");
        var e = Entry(telemetry, "boom", "alice", decision, "v1");

        foreach (var read in new[] { e, e.Copy(lifetimeId: "fork", executionId: "fork.1") })
        {
            Assert.Equal(telemetry, read.Telemetry);
            Assert.Same(metrics, read.Telemetry.Metrics);
            Assert.Equal("boom", read.Error);
            Assert.Equal("alice", read.ProvidedBy);
            Assert.Same(decision, read.Decision);
            Assert.Equal("v1", read.PolicySetVersion);
        }
    }

    [Theory]
    [InlineData(1, 0, 0, null)]
    [InlineData(0, 1, 0, null)]
    [InlineData(0, 0, 0.5, null)]
    [InlineData(0, 0, 0, "model")]
    public void Any_usage_beyond_latency_is_kept(long input, long output, double cost, string? model)
    {
        var telemetry = new ExecutionTelemetry(input, output, cost, 2, model);
        Assert.Equal(telemetry, Entry(telemetry).Telemetry);
    }
}
