using Agentic.Core.Formats;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agentic.Orleans.Tests;

/// <summary>Tenants' own policies: stored in the catalog grain, enforced by every silo beside the operator's.</summary>
public sealed class TenantPolicyTests
{
    private const string Cap = "policies:\n  - { name: cap, scope: lifetime, when: \"count() >= 1\", action: abort_lifetime }\n";

    [Fact]
    public async Task AnUploadReachesEverySilo_AndStopsThatTenantsLifetimesOnly_BesideTheOperatorsPolicies()
    {
        await using var store = new InMemoryJournalStore();
        var operatorSet = PolicyReader.Read("policies:\n  - { name: slow, scope: execution, when: \"latency_ms > 600000\", action: reject_execution }\n", "operator.yaml");
        await using var cluster = await AgenticTestCluster.StartAsync(2, store, b => b.AddPolicies(operatorSet), afterAgentic: s => s.AddTenantPolicies());
        var sources = cluster.Silos.Select(s => cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<TenantPolicySource>()).ToList();
        Assert.All(sources, s => Assert.Same(s, cluster.GetSiloServiceProvider(cluster.Silos[sources.IndexOf(s)].SiloAddress).GetRequiredService<IPolicySource>()));

        var stored = await cluster.Client.GetGrain<IPolicyCatalogGrain>(IPolicyCatalogGrain.Key).PutAsync("acme", Cap);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (sources.Any(s => !s.Current.Policies.Any(p => p.Name == "acme/cap")))
        {
            Assert.True(DateTime.UtcNow < deadline, "a silo did not take in the upload within 10 s");
            await Task.Delay(50);
        }

        Assert.All(sources, s => Assert.Equal(["slow", "acme/cap"], s.Current.Policies.Select(p => p.Name)));
        Assert.All(sources, s => Assert.NotEqual(operatorSet.Version, s.Current.Version));
        Assert.Equal(stored.Version, PolicyReader.ReadTenant("acme", Cap).Version);

        var graph = GraphReader.Parse("""
            graph: one
            version: 1.0.0
            nodes:
              - { name: a, kind: task, type: sleep, config: { ms: 1 } }
              - { name: done, kind: plan, type: all }
            edges:
              - { from: a, to: done }
              - { from: done, to: end, kind: final }
            """, "one.yaml");
        var acme = await cluster.Client.RunLifetimeAsync(graph, tenantId: "acme").WaitAsync(TimeSpan.FromSeconds(30));
        var other = await cluster.Client.RunLifetimeAsync(graph, tenantId: "globex").WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(("aborted", "completed"), (acme.Phase, other.Phase));
    }

    [Fact]
    public void TheSource_TakesNewerRevisionsOnly_FollowsTheOperatorsReloads_AndKeepsATenantsSetWhoseFileNoLongerReads()
    {
        var operatorSource = new SwappableSource(PolicySet.Empty);
        var source = new TenantPolicySource(operatorSource, NullLogger.Instance);
        Assert.False(source.Loaded.IsCompleted);
        Assert.Same(PolicySet.Empty, source.Current);

        var acme = new TenantPolicyDocument("acme", Cap, PolicyReader.ReadTenant("acme", Cap).Version, DateTimeOffset.UnixEpoch);
        source.Apply(new PolicyCatalogChanges(5, [acme]));
        Assert.True(source.Loaded.IsCompleted);
        Assert.Equal(["acme/cap"], source.Current.Policies.Select(p => p.Name));
        Assert.Equal("acme", source.Current.Policies[0].Tenant);

        // A poll answered before a newer change was applied here does not take the silo back.
        source.Apply(new PolicyCatalogChanges(4, []));
        Assert.Equal(5, source.Revision);
        Assert.Single(source.Current.Policies);

        // The operator's file reloads: its policies come first, the tenants' stay.
        operatorSource.Set(PolicyReader.Read("policies:\n  - { name: op, scope: lifetime, when: \"count() > 9\", action: pause_lifetime }\n", "op.yaml"));
        Assert.Equal(["op", "acme/cap"], source.Current.Policies.Select(p => p.Name));
        var version = source.Current.Version;
        Assert.Same(source.Current, source.Current);

        // A stored file this reader refuses keeps that tenant's previous set; a removed tenant's policies go.
        var broken = acme with { Text = "policies: [ {", Version = "ps-broken" };
        source.Apply(new PolicyCatalogChanges(6, [broken]));
        Assert.Equal(["op", "acme/cap"], source.Current.Policies.Select(p => p.Name));
        Assert.Equal(version, source.Current.Version);
        source.Apply(new PolicyCatalogChanges(7, []));
        Assert.Equal(["op"], source.Current.Policies.Select(p => p.Name));
    }

    [Fact]
    public async Task ALifetimeStartedWithoutTenantPolicies_RunsOnUnderThem_ItsSettingsAreTheSame()
    {
        // A lifetime parked by a silo without them (an older server, no operator policies) ...
        await using var store = new InMemoryJournalStore();
        var waits = GraphReader.Parse(File.ReadAllText(Agentic.Testing.RepoPaths.Sample("approval")), "approval.yaml");
        string id;
        string awaited;
        await using (var before = await AgenticTestCluster.StartAsync(1, store))
        {
            var lifetime = await before.Client.StartLifetimeAsync(waits, tenantId: "acme");
            var parked = await lifetime.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30));
            (id, awaited) = (parked.LifetimeId, parked.Awaiting.Single().ExecutionId);
        }

        // ... is answered on silos that enforce tenants' own policies, and completes.
        await using var after = await AgenticTestCluster.StartAsync(1, store, afterAgentic: s => s.AddTenantPolicies());
        var resumed = after.Client.GetGrain<IAgentLifetimeGrain>(id);
        await resumed.ProvideInputAsync(awaited, PayloadData.FromJson("""{"ok":true}"""), "ada");
        Assert.Equal("completed", (await resumed.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30))).Phase);
    }

    private sealed class SwappableSource(PolicySet initial) : IPolicySource
    {
        public PolicySet Current { get; private set; } = initial;

        public void Set(PolicySet set) => Current = set;
    }
}
