using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Agentic.Core.Execution;

namespace Agentic.Runtime.Diagnostics;

/// <summary>
/// Spans and metrics from durable records, made where a record becomes durable (never when a journal is replayed or
/// a lifetime re-activated, so nothing is emitted twice). A lifetime is one trace whose id derives from the lifetime
/// id, so that the spans of every silo and every re-activation join it. Every span's parent is the lifetime's virtual
/// root (a span id derived from the lifetime id too, never exported itself: no host can know a span id made on another
/// silo, nor give one of its own). An execution's span runs from its start to its record; the lifetime's span, made
/// with its end record, runs from its start to its end. Costs nothing when nobody listens.
/// </summary>
internal sealed class LifetimeTelemetry : IDisposable
{
    private static readonly ActivitySource Source = new(AgenticTelemetry.SourceName);
    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _tokens;
    private readonly Counter<double> _cost;
    private readonly Counter<long> _started;
    private readonly Counter<long> _ended;

    public LifetimeTelemetry(Func<int> inFlight)
    {
        _meter = new Meter(AgenticTelemetry.MeterName);
        _duration = _meter.CreateHistogram<double>("agentic.execution.duration", "ms", "Time from an execution's start to its durable record");
        _tokens = _meter.CreateCounter<long>("agentic.tokens", "{token}", "Model tokens spent, by tenant, model and direction");
        _cost = _meter.CreateCounter<double>("agentic.cost", "USD", "Model cost, by tenant and model");
        _started = _meter.CreateCounter<long>("agentic.lifetimes.started", "{lifetime}", "Lifetimes started");
        _ended = _meter.CreateCounter<long>("agentic.lifetimes.ended", "{lifetime}", "Lifetimes ended, by phase");
        _meter.CreateObservableGauge("agentic.executions.in_flight", inFlight, "{execution}", "Executions dispatched and not finished on this silo (queued behind a concurrency limit, or running)");
    }

    /// <summary>A record of <paramref name="tenantId"/>'s lifetime (started at <paramref name="startedAt"/>) is durable.</summary>
    public void Recorded(JournalEntry entry, string tenantId, DateTimeOffset startedAt)
    {
        switch (entry)
        {
            case ExecutionEntry e:
                Execution(e, tenantId);
                break;
            case LifetimeStartedEntry:
                _started.Add(1, new KeyValuePair<string, object?>("agentic.tenant", tenantId));
                break;
            case LifetimeEndedEntry end:
                _ended.Add(1, new KeyValuePair<string, object?>("agentic.tenant", tenantId), new KeyValuePair<string, object?>("agentic.phase", end.Phase.ToWireName()));
                LifetimeSpan(end, tenantId, startedAt);
                break;
        }
    }

    public void Dispose() => _meter.Dispose();

    private void Execution(ExecutionEntry e, string tenantId)
    {
        var t = e.Telemetry;
        if (_duration.Enabled)
        {
            _duration.Record(Math.Max(0, (e.RecordedAt - e.StartedAt).TotalMilliseconds), new KeyValuePair<string, object?>("agentic.node.type", e.NodeType), new KeyValuePair<string, object?>("agentic.node.kind", e.NodeKind == Core.Graphs.NodeKind.Task ? "task" : "plan"), new KeyValuePair<string, object?>("agentic.phase", e.Phase.ToWireName()));
        }

        if ((t.TokensUsed > 0 || t.CostUsd > 0) && (_tokens.Enabled || _cost.Enabled))
        {
            var model = new KeyValuePair<string, object?>("gen_ai.request.model", t.Model ?? string.Empty);
            var tenant = new KeyValuePair<string, object?>("agentic.tenant", tenantId);
            _tokens.Add(t.InputTokens, tenant, model, new KeyValuePair<string, object?>("gen_ai.token.type", "input"));
            _tokens.Add(t.OutputTokens, tenant, model, new KeyValuePair<string, object?>("gen_ai.token.type", "output"));
            _cost.Add(t.CostUsd, tenant, model);
        }

        if (!Source.HasListeners())
        {
            return;
        }

        using var span = Source.StartActivity("execute " + e.NodeName, ActivityKind.Internal, RootOf(e.LifetimeId), startTime: e.StartedAt);
        if (span is null)
        {
            return;
        }

        span.SetTag("agentic.lifetime_id", e.LifetimeId);
        span.SetTag("agentic.tenant", tenantId);
        span.SetTag("agentic.execution_id", e.ExecutionId);
        span.SetTag("agentic.node", e.NodeName);
        span.SetTag("agentic.node.type", e.NodeType);
        span.SetTag("agentic.attempt", e.Attempt);
        span.SetTag("agentic.iteration", e.Iteration);
        span.SetTag("agentic.sequence", e.Sequence);
        span.SetTag("agentic.phase", e.Phase.ToWireName());
        if (t.TokensUsed > 0)
        {
            span.SetTag("gen_ai.usage.input_tokens", t.InputTokens);
            span.SetTag("gen_ai.usage.output_tokens", t.OutputTokens);
            span.SetTag("gen_ai.request.model", t.Model);
        }

        if (e.Phase is ExecutionPhase.Failed or ExecutionPhase.Lost)
        {
            span.SetStatus(ActivityStatusCode.Error, e.Error);
        }

        span.SetEndTime(e.RecordedAt.UtcDateTime);
    }

    private static void LifetimeSpan(LifetimeEndedEntry end, string tenantId, DateTimeOffset startedAt)
    {
        if (!Source.HasListeners())
        {
            return;
        }

        using var span = Source.StartActivity("lifetime", ActivityKind.Internal, RootOf(end.LifetimeId), startTime: startedAt);
        if (span is null)
        {
            return;
        }

        span.SetTag("agentic.lifetime_id", end.LifetimeId);
        span.SetTag("agentic.tenant", tenantId);
        span.SetTag("agentic.phase", end.Phase.ToWireName());
        span.SetTag("agentic.executions", end.Executions);
        if (end.Phase != ExecutionPhase.Completed)
        {
            span.SetStatus(ActivityStatusCode.Error, end.Reason);
        }

        span.SetEndTime(end.RecordedAt.UtcDateTime);
    }

    /// <summary>
    /// The lifetime's virtual root, the parent of all its spans: trace id the first 16 bytes of the SHA-256 of its id,
    /// span id the next 8 (the same on every silo).
    /// </summary>
    internal static ActivityContext RootOf(string lifetimeId)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(lifetimeId), hash);
        return new ActivityContext(ActivityTraceId.CreateFromBytes(hash[..16]), ActivitySpanId.CreateFromBytes(hash.Slice(16, 8)), ActivityTraceFlags.Recorded);
    }
}
