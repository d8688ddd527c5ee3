using Agentic.Core.Guardrails;
using Agentic.Runtime.Journal;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// The single owner of every tenant's ledger across processes (a cluster's guardrail grain). Without one, each host
/// writes its own ledger to the store, which is right for one process. With one, a host sends the charges it made
/// since the last flush, in order, and takes back the tenant's ledger as the owner holds it after them: charges of
/// all hosts in one order, so a budget spent on one silo stops the tenant on every silo.
/// </summary>
public interface ITenantLedgerOwner
{
    /// <summary>Charges <paramref name="charges"/> (with when each was made) to the tenant's ledger, stores it, and returns it.</summary>
    Task<TenantLedgerState> ChargeAsync(string tenantId, IReadOnlyList<(UsageSample Sample, DateTimeOffset At)> charges, CancellationToken cancellationToken);
}
