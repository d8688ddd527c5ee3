namespace Agentic.Orleans;

/// <summary>
/// One tenant's guardrail ledger for the whole cluster (key: tenant id). Every silo sends what its lifetimes charged
/// since its last flush; the grain adds each silo's in arrival order, stores the ledger, and answers with it, so a
/// budget spent on one silo stops the tenant's lifetimes on all of them. Budgets may be overshot by the executions
/// in flight plus at most one unsent batch per silo (docs/architecture.md).
/// </summary>
[Alias("agentic.IGuardrailGrain")]
public interface IGuardrailGrain : IGrainWithStringKey
{
    /// <summary>Adds <paramref name="usage"/> to the ledger and returns the ledger after it, once stored.</summary>
    [Alias("charge")]
    Task<TenantLedgerSnapshot> ChargeAsync(TenantUsageDelta usage);

    /// <summary>The ledger as stored now.</summary>
    [Alias("ledger")]
    Task<TenantLedgerSnapshot> GetLedgerAsync();

    /// <summary>The charges kept for <paramref name="lifetimeId"/>'s attempts whose records were never confirmed.</summary>
    [Alias("unrecorded")]
    Task<IReadOnlyList<UnrecordedChargeData>> GetUnrecordedAsync(string lifetimeId);
}
