using Agentic.Core.Guardrails;
using Agentic.Runtime.Journal;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// The single owner of every tenant's ledger across processes (a cluster's guardrail grain). Without one, each host
/// writes its own ledger to the store, which is right for one process. With one, a host sends the charges it made
/// since the last flush (summed per window bucket) and takes back the tenant's ledger as the owner holds it after
/// them: every host's charges in one ledger, so a budget spent on one silo stops the tenant on every silo.
/// </summary>
public interface ITenantLedgerOwner
{
    /// <summary>Adds <paramref name="charges"/> (a ledger of what one host charged since its last flush) to the tenant's ledger, stores it, and returns it.</summary>
    Task<TenantLedgerState> ChargeAsync(string tenantId, TenantLedger charges, CancellationToken cancellationToken);
}
