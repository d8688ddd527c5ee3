using Agentic.Core.Guardrails;
using Agentic.Runtime.Guardrails;
using Microsoft.Extensions.Logging;

namespace Agentic.Orleans;

/// <summary>
/// The policies a silo enforces when tenants may upload their own (the server): the operator's (a file source, or
/// none) followed by every tenant's, as the cluster's <see cref="IPolicyCatalogGrain"/> holds them. Each tenant's
/// policies apply to its lifetimes only. A new operator set (a file reload) or catalog revision makes a new combined
/// set with a new version, recorded on every step it judges, like a reload.
/// </summary>
public sealed class TenantPolicySource : IPolicySource, IDisposable
{
    private readonly IPolicySource? _operator;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private Combination _current;

    public TenantPolicySource(IPolicySource? operatorPolicies, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _operator = operatorPolicies;
        _logger = logger;
        var operatorSet = operatorPolicies?.Current ?? PolicySet.Empty;
        _current = new Combination(operatorSet, -1, new Dictionary<string, PolicySet>(StringComparer.Ordinal), operatorSet);
    }

    public PolicySet Current
    {
        get
        {
            var current = Volatile.Read(ref _current);
            var operatorSet = _operator?.Current ?? PolicySet.Empty;
            return ReferenceEquals(operatorSet, current.Operator) ? current.Combined : Recombine(operatorSet, null, null).Combined;
        }
    }

    /// <summary>The operator's source's (null without one): the tenants' part is the cluster's, the same on every silo, and changes at run time like a reload.</summary>
    public string? Origin => _operator?.Origin;

    public Task Loaded => _loaded.Task;

    /// <summary>The catalog revision this silo enforces (-1 before the first read).</summary>
    public long Revision => Volatile.Read(ref _current).Revision;

    /// <summary>
    /// Takes in the catalog at a revision (from the poller, or from the silo that stored a change, at once); an older
    /// revision than the one in force (a poll answered before a change applied here) is ignored. A tenant file that no
    /// longer reads (a stricter reader after an upgrade) keeps that tenant's previous set in force.
    /// </summary>
    public void Apply(PolicyCatalogChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var known = Volatile.Read(ref _current).Tenants;
        if (changes.Revision <= Revision)
        {
            _loaded.TrySetResult();
            return;
        }

        var tenants = new Dictionary<string, PolicySet>(StringComparer.Ordinal);
        foreach (var document in changes.Tenants)
        {
            if (known.TryGetValue(document.Tenant, out var same) && same.Version == document.Version)
            {
                tenants[document.Tenant] = same;
                continue;
            }

            try
            {
                tenants[document.Tenant] = PolicyReader.ReadTenant(document.Tenant, document.Text);
            }
            catch (PolicyValidationException ex)
            {
                _logger.LogError("tenant {Tenant}'s policies {Version} no longer read; its previous set stays in force: {Reason}", document.Tenant, document.Version, ex.Message);
                if (known.TryGetValue(document.Tenant, out var previous))
                {
                    tenants[document.Tenant] = previous;
                }
            }
        }

        Recombine(_operator?.Current ?? PolicySet.Empty, changes.Revision, tenants);
        _loaded.TrySetResult();
    }

    private Combination Recombine(PolicySet operatorSet, long? revision, Dictionary<string, PolicySet>? tenants)
    {
        lock (_lock)
        {
            var current = _current;
            if (revision is { } r && r <= current.Revision)
            {
                return current;
            }

            var next = tenants is null
                ? current with { Operator = operatorSet, Combined = PolicySet.Combine(operatorSet, current.Tenants.Values) }
                : new Combination(operatorSet, revision!.Value, tenants, PolicySet.Combine(operatorSet, tenants.Values));
            if (next.Combined.Version != current.Combined.Version && _logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("policies {Version} now in force ({Count} policies, {Tenants} tenants' own)", next.Combined.Version, next.Combined.Policies.Count, next.Tenants.Count);
            }

            Volatile.Write(ref _current, next);
            return next;
        }
    }

    /// <summary>The operator's source is this one's to dispose (a file watcher).</summary>
    public void Dispose() => (_operator as IDisposable)?.Dispose();

    private sealed record Combination(PolicySet Operator, long Revision, Dictionary<string, PolicySet> Tenants, PolicySet Combined);
}
