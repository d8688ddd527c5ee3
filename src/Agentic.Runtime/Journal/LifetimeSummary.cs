using Agentic.Core.Execution;

namespace Agentic.Runtime.Journal;

/// <summary>One row of the lifetime listing: identity, pinned graph, phase and counters.</summary>
public sealed record LifetimeSummary(
    string LifetimeId,
    string TenantId,
    string GraphName,
    string GraphVersion,
    ExecutionPhase Phase,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    long LastSequence,
    string? Reason);
