using Agentic.Core.Guardrails;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// One lifetime's copy of its tenant's totals as they were just before its latest charge, one per tenant-scope
/// policy judging it (each policy's window). Owned by the lifetime (never shared), reused for every charge, so the
/// judgement runs outside the tenant's lock on exactly the totals the charge order gave it.
/// </summary>
internal sealed class TenantTotalsBefore
{
    private GuardrailPolicy[] _policies = [];
    private UsageTotals[] _totals = [];

    public TenantTotalsBefore() => For = policy => _totals[Array.IndexOf(_policies, policy)];

    /// <summary>The totals a policy of the latest charge aggregates over (for <see cref="PolicySet.Judge"/>).</summary>
    public Func<GuardrailPolicy, UsageTotals> For { get; }

    /// <summary>Copies the ledger's totals for each of <paramref name="policies"/>. Called under the tenant's lock.</summary>
    public void CopyFrom(TenantLedger ledger, GuardrailPolicy[] policies, DateTimeOffset now)
    {
        if (!ReferenceEquals(policies, _policies))
        {
            _policies = policies;
            _totals = new UsageTotals[policies.Length];
            for (var i = 0; i < _totals.Length; i++)
            {
                _totals[i] = new UsageTotals();
            }
        }

        for (var i = 0; i < policies.Length; i++)
        {
            _totals[i].CopyFrom(ledger.TotalsFor(policies[i], now));
        }
    }
}
