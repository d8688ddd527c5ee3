using Agentic.Core.Guardrails;

namespace Agentic.Orleans;

/// <summary>Tenants' own policy files, in grain storage <c>agentic</c>. A file is stored only once it reads as that tenant's policies.</summary>
internal sealed class PolicyCatalogGrain(
    [PersistentState("policy-catalog", AgenticSiloBuilderExtensions.StorageName)] IPersistentState<PolicyCatalogState> catalog,
    TimeProvider time) : Grain, IPolicyCatalogGrain
{
    /// <summary>The most policies one tenant's file may hold: every one is judged on each of the tenant's steps.</summary>
    public const int MaxPolicies = 100;

    /// <summary>The largest tenant file, in characters.</summary>
    public const int MaxTextLength = 64 * 1024;

    public Task<TenantPolicyDocument?> GetAsync(string tenant) =>
        Task.FromResult(catalog.State.Tenants.GetValueOrDefault(tenant));

    public async Task<TenantPolicyDocument> PutAsync(string tenant, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(text);
        var set = Read(tenant, text);
        if (catalog.State.Tenants.TryGetValue(tenant, out var stored) && stored.Version == set.Version)
        {
            return stored;
        }

        var document = new TenantPolicyDocument(tenant, text, set.Version, time.GetUtcNow());
        catalog.State.Tenants[tenant] = document;
        catalog.State.Revision = NextRevision();
        await WriteAsync();
        return document;
    }

    public async Task<bool> DeleteAsync(string tenant)
    {
        if (!catalog.State.Tenants.Remove(tenant))
        {
            return false;
        }

        catalog.State.Revision = NextRevision();
        await WriteAsync();
        return true;
    }

    public Task<PolicyCatalogChanges?> ReadIfChangedAsync(long knownRevision) =>
        Task.FromResult(knownRevision == catalog.State.Revision
            ? null
            : new PolicyCatalogChanges(catalog.State.Revision, catalog.State.Tenants.Values.ToList()));

    // Clock-based, so that a catalog whose storage was reset still moves forward for silos that saw a later revision.
    private long NextRevision() => Math.Max(catalog.State.Revision + 1, time.GetUtcNow().UtcTicks);

    /// <summary>The tenant's set, or <see cref="ArgumentException"/> naming every problem and each limit passed.</summary>
    public static PolicySet Read(string tenant, string text)
    {
        if (text.Length > MaxTextLength)
        {
            throw new ArgumentException($"the policy file is {text.Length:N0} characters; a tenant's file may have at most {MaxTextLength:N0}");
        }

        PolicySet set;
        try
        {
            set = PolicyReader.ReadTenant(tenant, text);
        }
        catch (PolicyValidationException ex)
        {
            throw new ArgumentException(ex.Message);
        }

        return set.Policies.Count <= MaxPolicies
            ? set
            : throw new ArgumentException($"the policy file has {set.Policies.Count} policies; a tenant's file may have at most {MaxPolicies}");
    }

    private async Task WriteAsync()
    {
        try
        {
            await catalog.WriteStateAsync();
        }
        catch
        {
            // What is in memory was not stored: read the stored catalog again rather than serve a change that may be lost.
            await catalog.ReadStateAsync();
            throw;
        }
    }
}
