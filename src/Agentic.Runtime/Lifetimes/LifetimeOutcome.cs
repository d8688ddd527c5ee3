using Agentic.Core.Execution;

namespace Agentic.Runtime.Lifetimes;

/// <summary>How a lifetime ended: phase, result or reason, and its counters.</summary>
public sealed record LifetimeOutcome(
    string LifetimeId,
    string TenantId,
    string GraphName,
    string GraphVersion,
    ExecutionPhase Phase,
    Payload? Result,
    string? Reason,
    long Executions,
    int Iterations,
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt)
{
    public TimeSpan Duration => EndedAt - StartedAt;
}
