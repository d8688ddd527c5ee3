using System.Text.Json;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes;

/// <summary>What a Task or Plan knows about the execution it runs in, and where it reports telemetry.</summary>
public abstract class NodeContext
{
    private long _inputTokens;
    private long _outputTokens;
    private double _costUsd;
    private Dictionary<string, double>? _metrics;
    private string? _model;

    internal NodeContext(ExecutionRequest request, string tenantId, string lifetimeId, Payload lifetimeInput, CancellationToken cancellation)
    {
        Request = request;
        TenantId = tenantId;
        LifetimeId = lifetimeId;
        LifetimeInput = lifetimeInput;
        CancellationToken = cancellation;
    }

    public string TenantId { get; }

    public string LifetimeId { get; }

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
    public Payload LifetimeInput { get; }

    internal ExecutionRequest Request { get; }

    /// <summary>Adds token usage (e.g. from a model response's usage details).</summary>
    public void RecordTokens(long inputTokens, long outputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        _inputTokens += inputTokens;
        _outputTokens += outputTokens;
    }

    public void RecordCost(double usd)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(usd);
        _costUsd += usd;
    }

    /// <summary>Names the model that answered (usage is reported by node and by model); the last one named wins.</summary>
    public void RecordModel(string model)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _model = model;
    }

    /// <summary>A free-form metric, kept with the execution's telemetry.</summary>
    public void RecordMetric(string name, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        (_metrics ??= new(StringComparer.Ordinal))[name] = value;
    }

    internal ExecutionTelemetry BuildTelemetry(double latencyMs) => new(_inputTokens, _outputTokens, _costUsd, latencyMs, _model, _metrics);
}
