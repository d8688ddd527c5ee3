using Agentic.Core.Guardrails;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// A tenant's budgets as its guardrail actor last judged them: which tenant-scope policies hold over the totals
/// alone (an exhausted budget), under which policy set version, and until when that can stay true (the next time
/// usage leaves a window). Immutable and published, so lifetimes read it before each dispatch without a message.
/// </summary>
internal sealed class TenantStanding(string policySetVersion, IReadOnlyList<(GuardrailPolicy Policy, PolicyDecision Decision)> holding, DateTimeOffset? validUntil, PolicyDecision? refusal = null)
{
    /// <summary>Set when the tenant's ledger cannot be read: every lifetime of the tenant is refused with it.</summary>
    public PolicyDecision? Refusal { get; } = refusal;

    /// <summary>Whether anything can stop a lifetime of the tenant.</summary>
    public bool Restricts => Holding.Count > 0 || Refusal is not null;

    public string PolicySetVersion { get; } = policySetVersion;

    public IReadOnlyList<(GuardrailPolicy Policy, PolicyDecision Decision)> Holding { get; } = holding;

    /// <summary>Null: nothing holding can stop holding by time alone.</summary>
    public DateTimeOffset? ValidUntil { get; } = validUntil;

    /// <summary>The most severe holding decision that applies to lifetimes of <paramref name="graph"/>, if any.</summary>
    public PolicyDecision? For(string tenant, string graph)
    {
        if (Refusal is not null)
        {
            return Refusal;
        }

        PolicyDecision? decision = null;
        foreach (var (policy, d) in Holding)
        {
            if (policy.AppliesTo(tenant, graph) && (decision is null || d.Action > decision.Action))
            {
                decision = d;
            }
        }

        return decision;
    }
}
