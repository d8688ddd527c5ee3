namespace Agentic.Core.Execution;

/// <summary>An operator's command to a running lifetime, journaled as a <see cref="ControlEntry"/>.</summary>
public enum LifetimeControl
{
    /// <summary>Dispatch nothing new; executions in flight finish and are recorded.</summary>
    Pause,

    /// <summary>Dispatch again what a pause held back.</summary>
    Resume,

    /// <summary>Terminal: in-flight executions are cancelled and recorded as cancelled, then the lifetime ends Aborted.</summary>
    Abort,
}
