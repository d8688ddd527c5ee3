namespace Agentic.Core.Execution;

/// <summary>
/// The result of replaying a journal: the state rebuilt without running any node, every routing decision, and
/// the first record (if any) that does not follow from the records before it under the pinned graph.
/// </summary>
public sealed record ReplayReport(
    string LifetimeId,
    long Records,
    ExecutionPhase Phase,
    long Executions,
    int Iterations,
    Payload? Result,
    string? Reason,
    IReadOnlyList<RoutingDecision> Decisions,
    IReadOnlyList<AwaitedExecution> Awaiting,
    JournalDivergenceException? Divergence)
{
    public bool Identical => Divergence is null;
}
