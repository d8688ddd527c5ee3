using Agentic.Core.Graphs;
using Agentic.Core.Guardrails;

namespace Agentic.Core.Execution;

/// <summary>The record of one run (one attempt) of one Task or Plan: header, telemetry and result.</summary>
/// <remarks>
/// Kept lean because the in-memory journal holds every record of a running lifetime and each one outlives a gen-0
/// collection: the fields most records leave empty (error, usage beyond latency, guardrail decision, who provided
/// input) live in one side object allocated only for a record that sets one of them.
/// </remarks>
public sealed class ExecutionEntry : JournalEntry
{
    private double _latencyMs;
    private RareFields? _rare;

    public required string ExecutionId { get; init; }

    public required string NodeName { get; init; }

    public required NodeKind NodeKind { get; init; }

    public required string NodeType { get; init; }

    public required int Attempt { get; init; }

    public required int Iteration { get; init; }

    /// <summary>Completed, Failed or Cancelled; or Waiting (the body asked for input, <see cref="Result"/> holds the prompt).</summary>
    public required ExecutionPhase Phase { get; init; }

    public required IReadOnlyList<string> ParentIds { get; init; }

    public required string EdgeTaken { get; init; }

    public required string IdempotencyKey { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>Task result, or for a plan the payload it hands to the next tasks. Null when failed or cancelled.</summary>
    public Payload? Result { get; init; }

    /// <summary>For plans: the targets chosen (<c>next_task_names</c>).</summary>
    public IReadOnlyList<string> NextTaskNames { get; init; } = [];

    public string? Error
    {
        get => _rare?.Error;
        init => RareFor(value)?.Error = value;
    }

    public ExecutionTelemetry Telemetry
    {
        get => _rare?.Telemetry is { } t ? t : new ExecutionTelemetry(0, 0, 0, _latencyMs);
        init
        {
            _latencyMs = value.LatencyMs;
            if (value != new ExecutionTelemetry(0, 0, 0, value.LatencyMs) || _rare?.Telemetry is not null)
            {
                Rare().Telemetry = value;
            }
        }
    }

    /// <summary>For a completion of a waiting execution: who provided the input.</summary>
    public string? ProvidedBy
    {
        get => _rare?.ProvidedBy;
        init => RareFor(value)?.ProvidedBy = value;
    }

    /// <summary>The guardrail decision taken on this execution, if a policy held (applied with the record on replay too).</summary>
    public PolicyDecision? Decision
    {
        get => _rare?.Decision;
        init => RareFor(value)?.Decision = value;
    }

    /// <summary>The version of the policy set that judged this execution; null when no policies were in force.</summary>
    public string? PolicySetVersion
    {
        get => _rare?.PolicySetVersion;
        init => RareFor(value)?.PolicySetVersion = value;
    }

    /// <summary>
    /// This record with the given fields replaced and every other field kept (forks re-key the ids; tests forge
    /// records): one place that knows all the fields, so no copy silently drops one.
    /// </summary>
    public ExecutionEntry Copy(
        string? lifetimeId = null,
        long? sequence = null,
        string? executionId = null,
        string? nodeName = null,
        IReadOnlyList<string>? parentIds = null,
        string? idempotencyKey = null,
        DateTimeOffset? recordedAt = null) => new()
    {
        LifetimeId = lifetimeId ?? LifetimeId,
        Sequence = sequence ?? Sequence,
        RecordedAt = recordedAt ?? RecordedAt,
        ExecutionId = executionId ?? ExecutionId,
        NodeName = nodeName ?? NodeName,
        NodeKind = NodeKind,
        NodeType = NodeType,
        Attempt = Attempt,
        Iteration = Iteration,
        Phase = Phase,
        ParentIds = parentIds ?? ParentIds,
        EdgeTaken = EdgeTaken,
        IdempotencyKey = idempotencyKey ?? IdempotencyKey,
        StartedAt = StartedAt,
        Result = Result,
        NextTaskNames = NextTaskNames,
        Error = Error,
        Telemetry = Telemetry,
        ProvidedBy = ProvidedBy,
        Decision = Decision,
        PolicySetVersion = PolicySetVersion,
    };

    private RareFields Rare() => _rare ??= new RareFields();

    /// <summary>The side object to store <paramref name="value"/> in; null when it is null and nothing rare is set yet.</summary>
    private RareFields? RareFor(object? value) => value is null && _rare is null ? null : Rare();

    /// <summary>The fields most records leave empty (see the remarks on the class).</summary>
    private sealed class RareFields
    {
        public string? Error;
        public ExecutionTelemetry? Telemetry;
        public string? ProvidedBy;
        public PolicyDecision? Decision;
        public string? PolicySetVersion;
    }
}
