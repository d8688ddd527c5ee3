namespace Agentic.Core.Execution;

public static class ExecutionPhaseExtensions
{
    public static bool IsTerminal(this ExecutionPhase phase) =>
        phase is ExecutionPhase.Completed or ExecutionPhase.Failed or ExecutionPhase.Cancelled or ExecutionPhase.Aborted;

    /// <summary>Lower-case name as used in JSON output and the CLI.</summary>
    public static string ToWireName(this ExecutionPhase phase) => phase switch
    {
        ExecutionPhase.Pending => "pending",
        ExecutionPhase.Running => "running",
        ExecutionPhase.Waiting => "waiting",
        ExecutionPhase.Paused => "paused",
        ExecutionPhase.Completed => "completed",
        ExecutionPhase.Failed => "failed",
        ExecutionPhase.Cancelled => "cancelled",
        ExecutionPhase.Aborted => "aborted",
        ExecutionPhase.Lost => "lost",
        _ => phase.ToString().ToLowerInvariant(),
    };
}
