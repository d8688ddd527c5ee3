using Agentic.Core.Formats;
using Agentic.Runtime.Journal;

namespace Agentic.Orleans.Tests;

/// <summary>Placement on purpose: a journal grain is activated beside its running lifetime's grain, on either silo.</summary>
public sealed class PlacementTests
{
    [Fact]
    public async Task AJournalGrain_IsActivatedOnTheSiloOfItsRunningLifetime()
    {
        await using var store = new InMemoryJournalStore();
        await using var cluster = await AgenticTestCluster.StartAsync(2, store);
        var grains = cluster.Client;
        var management = grains.GetGrain<IManagementGrain>(0);
        var graph = GraphReader.Parse("""
            graph: placed
            version: 1.0.0
            nodes:
              - { name: wait, kind: task, type: sleep, config: { ms: 3000 } }
              - { name: done, kind: plan, type: all }
            edges:
              - { from: wait, to: done }
              - { from: done, to: end, kind: final }
            """, "placed.yaml");

        // Resource-optimized placement spreads lifetimes by the silos' load statistics, which a busy machine skews and
        // which refresh about every second: start batches, a moment apart, until both silos hold some (for at most
        // 30 s), checking every journal grain lands with its lifetime.
        var silosUsed = new HashSet<SiloAddress>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (var batch = 0; silosUsed.Count < 2 && DateTime.UtcNow < deadline; batch++)
        {
            if (batch > 0)
            {
                await Task.Delay(250);
            }

            var lifetimes = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => grains.StartLifetimeAsync(graph)));
            foreach (var lifetime in lifetimes)
            {
                var journal = grains.GetGrain<IJournalGrain>(lifetime.GetPrimaryKeyString());
                await journal.ReadAsync(1, 10); // activates it, from the client
                var lifetimeSilo = await management.GetActivationAddress(lifetime);
                Assert.NotNull(lifetimeSilo);
                Assert.Equal(lifetimeSilo, await management.GetActivationAddress(journal));
                silosUsed.Add(lifetimeSilo);
            }
        }

        // Both silos held lifetimes, and the journal grains followed them on each.
        Assert.Equal(2, silosUsed.Count);
    }
}
