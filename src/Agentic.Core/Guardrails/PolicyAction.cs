namespace Agentic.Core.Guardrails;

/// <summary>What happens when a policy's condition holds, least severe first.</summary>
public enum PolicyAction
{
    /// <summary>The execution is recorded as rejected and not forwarded: retried if attempts remain, else the lifetime fails.</summary>
    RejectExecution,

    /// <summary>The lifetime pauses (resumable by an operator, e.g. after raising the budget).</summary>
    PauseLifetime,

    /// <summary>The lifetime ends Aborted; in-flight work is cancelled.</summary>
    AbortLifetime,
}
