using Agentic.Core.Execution;

namespace Agentic.Runtime.Journal;

/// <summary>
/// How a record moves the phase shown in lifetime listings (stores keep it beside the journal). Coarse on purpose:
/// the exact phase comes from replaying the journal (<c>agentic show</c>).
/// </summary>
public static class LifetimeProjection
{
    /// <summary>The listed phase after <paramref name="entry"/>, or null when the record does not change it.</summary>
    public static ExecutionPhase? PhaseAfter(JournalEntry entry) => entry switch
    {
        LifetimeStartedEntry => ExecutionPhase.Running,
        LifetimeEndedEntry end => end.Phase,
        ControlEntry { Action: LifetimeControl.Pause } => ExecutionPhase.Paused,
        ControlEntry { Action: LifetimeControl.Resume } => ExecutionPhase.Running,
        ExecutionEntry { Phase: ExecutionPhase.Waiting } => ExecutionPhase.Waiting,
        ExecutionEntry { ProvidedBy: not null } => ExecutionPhase.Running,
        _ => null,
    };
}
