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

    /// <summary>
    /// An execution record only: this attempt ran on a host that died after its usage was charged to the tenant and
    /// before its outcome was recorded. The record carries that usage; the execution runs again as the next attempt.
    /// </summary>
    Lost,
}
