using Agentic.Core.Graphs;

namespace Agentic.Core.Execution;

/// <summary>The record of one run (one attempt) of one Task or Plan: header, telemetry and result.</summary>
public sealed class ExecutionEntry : JournalEntry
{
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

    public string? Error { get; init; }

    public ExecutionTelemetry Telemetry { get; init; } = ExecutionTelemetry.None;

    /// <summary>For a completion of a waiting execution: who provided the input.</summary>
    public string? ProvidedBy { get; init; }

    /// <summary>The guardrail decision taken on this execution, if a policy held (applied with the record on replay too).</summary>
    public Guardrails.PolicyDecision? Decision { get; init; }

    /// <summary>The version of the policy set that judged this execution; null when no policies were in force.</summary>
    public string? PolicySetVersion { get; init; }

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
        string? idempotencyKey = null) => new()
    {
        LifetimeId = lifetimeId ?? LifetimeId,
        Sequence = sequence ?? Sequence,
        RecordedAt = RecordedAt,
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
}
