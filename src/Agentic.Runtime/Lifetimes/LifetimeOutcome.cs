using Agentic.Core.Execution;

namespace Agentic.Runtime.Lifetimes;

/// <summary>How a lifetime ended: phase, result or reason, its counters and what it spent (tokens, US dollars).</summary>
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
    DateTimeOffset EndedAt,
    long TokensUsed = 0,
    double CostUsd = 0)
{
    public TimeSpan Duration => EndedAt - StartedAt;
}
