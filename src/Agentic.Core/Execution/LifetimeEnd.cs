namespace Agentic.Core.Execution;

/// <summary>The state machine's decision that a lifetime must end (a final edge was taken, or it cannot go on).</summary>
public sealed record LifetimeEnd(ExecutionPhase Phase, Payload? Result, string? Reason, string? CauseExecutionId);
