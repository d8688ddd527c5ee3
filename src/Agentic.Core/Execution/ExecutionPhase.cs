namespace Agentic.Core.Execution;

/// <summary>One phase vocabulary for lifetimes and executions (seed 003, plus Paused and Aborted).</summary>
public enum ExecutionPhase
{
    Pending,
    Running,

    /// <summary>Waiting for human input, an external signal or a timer.</summary>
    Waiting,
    Paused,
    Completed,
    Failed,
    Cancelled,
    Aborted,
}
