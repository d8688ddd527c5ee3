using System.Text.Json;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes;

/// <summary>What a Task or Plan knows about the execution it runs in, and where it reports telemetry.</summary>
public abstract class NodeContext
{
    // Most nodes record nothing: their usage is allocated on the first report, keeping the per-step context small.
    private Usage? _usage;
    private bool _finished;

    private readonly Workers.LifetimeRunScope _scope;

    internal NodeContext(ExecutionRequest request, Workers.LifetimeRunScope scope, CancellationToken cancellation)
    {
        Request = request;
        _scope = scope;
        CancellationToken = cancellation;
    }

    public string TenantId => _scope.TenantId;

    public string LifetimeId => _scope.LifetimeId;

    public string ExecutionId => Request.ExecutionId;

    public GraphNode Node => Request.Node;

    public string NodeName => Request.Node.Name;

    /// <summary>The node's configuration from the graph (an empty object when none).</summary>
    public JsonElement Config => Request.Node.Config;

    public int Iteration => Request.Iteration;

    /// <summary>1-based; greater than 1 on retries.</summary>
    public int Attempt => Request.Attempt;

    /// <summary>Stable across retries of this step: use it to make side effects idempotent.</summary>
    public string IdempotencyKey => Request.IdempotencyKey;

    /// <summary>Cancelled on timeout, and when the lifetime ends while this execution is still running.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The input the lifetime was started with.</summary>
    public Payload LifetimeInput => _scope.LifetimeInput;

    internal ExecutionRequest Request { get; }

    internal Workers.LifetimeRunScope Scope => _scope;

    /// <summary>Adds token usage (e.g. from a model response's usage details).</summary>
    public void RecordTokens(long inputTokens, long outputTokens)
    {
        ThrowIfFinished();
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        var usage = _usage ??= new Usage();
        usage.InputTokens += inputTokens;
        usage.OutputTokens += outputTokens;
    }

    public void RecordCost(double usd)
    {
        ThrowIfFinished();
        if (!double.IsFinite(usd))
        {
            throw new ArgumentOutOfRangeException(nameof(usd), usd, "cost must be a finite number of US dollars");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(usd);

        (_usage ??= new Usage()).CostUsd += usd;
    }

    /// <summary>Names the model that answered (usage is reported by node and by model); the last one named wins.</summary>
    public void RecordModel(string model)
    {
        ThrowIfFinished();
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        (_usage ??= new Usage()).Model = model;
    }

    /// <summary>A free-form metric, kept with the execution's telemetry.</summary>
    public void RecordMetric(string name, double value)
    {
        ThrowIfFinished();
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ((_usage ??= new Usage()).Metrics ??= new(StringComparer.Ordinal))[name] = value;
    }

    /// <summary>The execution has finished: its telemetry is final, and recording more is refused rather than lost.</summary>
    internal void Finish() => _finished = true;

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException($"execution {ExecutionId} ({NodeName}) has finished: telemetry must be recorded before the node returns");
        }
    }

    internal ExecutionTelemetry BuildTelemetry(double latencyMs) => _usage is { } u
        ? new(u.InputTokens, u.OutputTokens, u.CostUsd, latencyMs, u.Model, u.Metrics)
        : new(0, 0, 0, latencyMs);

    /// <summary>What the node reported so far.</summary>
    private sealed class Usage
    {
        public long InputTokens;
        public long OutputTokens;
        public double CostUsd;
        public string? Model;
        public Dictionary<string, double>? Metrics;
    }
}
