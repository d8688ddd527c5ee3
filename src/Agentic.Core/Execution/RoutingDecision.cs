namespace Agentic.Core.Execution;

/// <summary>One execution a lifetime decided to run, and the record whose application decided it.</summary>
public sealed record RoutingDecision(long DecidedBy, string ExecutionId, string NodeName, int Attempt, int Iteration, string EdgeTaken, IReadOnlyList<string> ParentIds)
{
    public override string ToString() => $"{ExecutionId} {NodeName} (attempt {Attempt}, iteration {Iteration}, via {EdgeTaken}, decided by record {DecidedBy})";
}
