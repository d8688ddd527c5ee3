using Agentic.Core.Execution;

namespace Agentic.Runtime.Lifetimes;

/// <summary>What a lifetime looks like now: phase, counters, and the executions it awaits.</summary>
public sealed record LifetimeView(
    string LifetimeId,
    string TenantId,
    string GraphName,
    string GraphVersion,
    string GraphHash,
    ExecutionPhase Phase,
    long LastSequence,
    long Executions,
    int Iterations,
    Payload? Result,
    string? Reason,
    IReadOnlyList<AwaitedExecution> Awaiting,
    long TokensUsed = 0,
    double CostUsd = 0)
{
    internal static LifetimeView Of(LifetimeStateMachine machine) => new(
        machine.LifetimeId,
        machine.TenantId,
        machine.Graph.Name,
        machine.Graph.Version.ToString(),
        machine.Graph.ContentHash,
        machine.CurrentPhase,
        machine.LastAppliedSequence,
        machine.ExecutionCount,
        machine.Iterations,
        machine.CurrentResult,
        machine.CurrentReason,
        machine.Awaiting(),
        (long)machine.Usage.Sum(0),
        machine.Usage.Sum(3));
}
