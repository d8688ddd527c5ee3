using Agentic.Core.Execution;

namespace Agentic.Core.Guardrails;

/// <summary>
/// An execution attempt charged to its tenant's ledger whose record is not known to be in the journal yet. A lifetime
/// records an execution only after its charge is stored, so when the host running it dies in between, this is what
/// is left of the attempt: the lifetime's next activation records it as lost with this usage, and the tenant's ledger
/// and the journals agree again.
/// </summary>
public sealed record UnrecordedCharge(string LifetimeId, string ExecutionId, int Attempt, ExecutionTelemetry Telemetry)
{
    /// <summary>
    /// Which activation of the lifetime made the charge: two activations (Orleans may run two during a membership
    /// change) can run the same attempt, and each charge is kept, confirmed and recorded on its own.
    /// </summary>
    public string Activation { get; init; } = string.Empty;

    /// <summary>
    /// Known never to be recorded (its activation was fenced off by another's record): recorded as lost even when the
    /// journal holds a record of the same attempt (the other activation's).
    /// </summary>
    public bool Certain { get; init; }

    /// <summary>The key a confirmation names: one attempt of one execution of one lifetime, by one activation.</summary>
    public (string LifetimeId, string ExecutionId, int Attempt) Key => KeyOf(LifetimeId, ExecutionId, Attempt, Activation);

    public static (string LifetimeId, string ExecutionId, int Attempt) KeyOf(string lifetimeId, string executionId, int attempt, string activation) =>
        (lifetimeId, activation.Length == 0 ? executionId : executionId + "#" + activation, attempt);
}
