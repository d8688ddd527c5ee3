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
    /// <summary>The key a confirmation names: one attempt of one execution of one lifetime.</summary>
    public (string LifetimeId, string ExecutionId, int Attempt) Key => (LifetimeId, ExecutionId, Attempt);
}
