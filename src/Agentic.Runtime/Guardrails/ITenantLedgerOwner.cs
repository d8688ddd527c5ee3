using Agentic.Core.Guardrails;
using Agentic.Runtime.Journal;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// The single owner of every tenant's ledger across silos (the tenant's guardrail grain). A silo sends the charges it
/// made since its last flush (summed per window bucket) and takes back the tenant's ledger as the owner holds it after
/// them: every silo's charges in one ledger, so a budget spent on one silo stops the tenant on every silo.
/// </summary>
public interface ITenantLedgerOwner
{
    /// <summary>Adds <paramref name="charges"/> (a ledger of what one host charged since its last flush) to the tenant's ledger, stores it, and returns it.</summary>
    Task<TenantLedgerState> ChargeAsync(string tenantId, TenantLedger charges, CancellationToken cancellationToken);

    /// <summary>
    /// The charges the tenant's ledger keeps for <paramref name="lifetimeId"/> whose records were never confirmed:
    /// attempts lost with the host that ran them, for the lifetime's next activation to record as lost.
    /// </summary>
    Task<IReadOnlyList<UnrecordedCharge>> UnrecordedAsync(string tenantId, string lifetimeId, CancellationToken cancellationToken);
}
