using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Agentic.Core.Expressions;

namespace Agentic.Core.Guardrails;

/// <summary>
/// The policies in force, with a version (a hash of the files they were read from) that every judged step records.
/// Immutable: a reload makes a new set.
/// </summary>
public sealed class PolicySet
{
    private readonly ConcurrentDictionary<(string Tenant, string Graph), GuardrailPolicy[]> _applicable = new();

    public PolicySet(IReadOnlyList<GuardrailPolicy> policies, string version)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentException.ThrowIfNullOrEmpty(version);
        Policies = policies;
        Version = version;
        HasTenantPolicies = policies.Any(p => p.Scope == PolicyScope.Tenant);
    }

    public static PolicySet Empty { get; } = new([], "none");

    public IReadOnlyList<GuardrailPolicy> Policies { get; }

    public string Version { get; }

    public bool IsEmpty => Policies.Count == 0;

    public bool HasTenantPolicies { get; }

    /// <summary>A version naming the content of the given sources (file name and text), independent of their order.</summary>
    public static string VersionOf(IEnumerable<(string File, string Text)> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var text = string.Join("\n\u0000", sources.OrderBy(s => s.File, StringComparer.Ordinal).Select(s => s.File + "\n" + s.Text));
        return "ps-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..12];
    }

    /// <summary>
    /// The operator's set with tenants' own sets (<see cref="PolicyReader.ReadTenant"/>) added: the operator's policies
    /// first (file order decides between equally severe decisions), then each tenant's. Its version names them all; with
    /// no tenant sets it is the operator's set itself.
    /// </summary>
    public static PolicySet Combine(PolicySet operatorSet, IReadOnlyCollection<PolicySet> tenantSets)
    {
        ArgumentNullException.ThrowIfNull(operatorSet);
        ArgumentNullException.ThrowIfNull(tenantSets);
        if (tenantSets.Count == 0)
        {
            return operatorSet;
        }

        var versions = string.Join("\n", tenantSets.Select(s => s.Version).Order(StringComparer.Ordinal));
        var version = "ps-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(operatorSet.Version + "\n" + versions)))[..12];
        return new PolicySet([.. operatorSet.Policies, .. tenantSets.SelectMany(s => s.Policies)], version);
    }

    /// <summary>The policies that apply to lifetimes of <paramref name="graph"/> for <paramref name="tenant"/> (cached).</summary>
    public IReadOnlyList<GuardrailPolicy> For(string tenant, string graph) =>
        _applicable.GetOrAdd((tenant, graph), key => Policies.Where(p => p.AppliesTo(key.Tenant, key.Graph)).ToArray());

    /// <summary>
    /// Judges one finished execution against <paramref name="policies"/>: execution-scope policies over it alone,
    /// lifetime-scope over <paramref name="lifetime"/> plus it, tenant-scope over <paramref name="tenant"/>'s totals
    /// (per policy, for its window) plus it. Returns the most severe decision (the first such in file order), or null.
    /// A condition that cannot be evaluated does not hold; it is passed to <paramref name="onError"/>.
    /// </summary>
    public PolicyDecision? Judge(
        IReadOnlyList<GuardrailPolicy> policies,
        GuardrailScope scope,
        in UsageSample? sample,
        UsageTotals lifetime,
        Func<GuardrailPolicy, UsageTotals>? tenant,
        Action<GuardrailPolicy, ExpressionException>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(scope);
        PolicyDecision? decision = null;
        for (var i = 0; i < policies.Count; i++)
        {
            // Indexed: a foreach over the interface would allocate an enumerator on every judgement.
            var policy = policies[i];
            if (decision is not null && policy.Action <= decision.Action)
            {
                continue;
            }

            var totals = policy.Scope switch
            {
                PolicyScope.Execution => null,
                PolicyScope.Lifetime => lifetime,
                _ => tenant?.Invoke(policy),
            };
            if (policy.Scope == PolicyScope.Tenant && totals is null)
            {
                continue;
            }

            if (policy.Scope == PolicyScope.Execution && sample is null)
            {
                continue;
            }

            scope.Judge(sample, totals);
            try
            {
                if (!policy.Condition.Holds(scope))
                {
                    continue;
                }

                var (subject, measured, threshold) = policy.Condition.Measure(scope);
                decision = new PolicyDecision(policy.Name, policy.Scope, policy.Action, subject, measured, threshold, Version);
            }
            catch (ExpressionException ex)
            {
                onError?.Invoke(policy, ex);
            }
        }

        return decision;
    }
}
