namespace Agentic.Core.Execution;

/// <summary>
/// Position of an execution inside nested fan-outs: the fan-out group (id of the plan execution that opened it),
/// the branch index within it, and the enclosing frame. Immutable, shared between executions of one branch.
/// </summary>
public sealed record BranchFrame(string GroupId, int Index, BranchFrame? Parent);
