using Xunit.Abstractions;
using System.Diagnostics;
using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Runtime.Journal;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Agentic.Orleans.Tests;

/// <summary>
/// A silo dies with lifetimes in flight: the recovery service of a survivor re-activates them without any call from
/// a user, and every lifetime completes with a gapless journal and no execution recorded finished twice.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class SiloFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Lifetimes = 60;
    private readonly InMemoryJournalStore _journal = new();
    private InProcessTestCluster _cluster = null!;

    private static readonly string Graph = GraphReader.Parse("""
        graph: slow-step
        version: 1.0.0
        nodes:
          - { name: work, kind: task, type: sleep, config: { ms: 1500 } }
          - { name: next, kind: task, type: counter }
          - { name: fan,  kind: plan, type: all }
          - { name: done, kind: plan, type: all }
        edges:
          - { from: work, to: fan }
          - { from: fan,  to: next }
          - { from: next, to: done }
          - { from: done, to: end, kind: final }
        """, "slow-step.yaml").CanonicalJson;

    public async Task InitializeAsync()
    {
        // Declare a dead silo dead in about 1.5 s instead of ~13 s (docs/architecture.md, Orleans host).
        _cluster = await AgenticTestCluster.StartAsync(3, _journal, silo: s => s.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(1);
            o.NumMissedProbesLimit = 2;
            o.NumVotesForDeathDeclaration = 1;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        }));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _journal.DisposeAsync();
    }

    [Fact]
    public async Task KillingASilo_WithLifetimesInFlight_EveryLifetimeCompletesOnTheSurvivors_Once()
    {
        var ids = Enumerable.Range(0, Lifetimes).Select(_ => Guid.NewGuid().ToString("N")).ToList();
        await Task.WhenAll(ids.Select(id => _cluster.Client.GetGrain<IAgentLifetimeGrain>(id).StartAsync(new StartLifetimeCommand(Graph, "acme", null, null))));
        await Task.Delay(300); // every lifetime is inside its 1.5 s step

        var victim = _cluster.Silos[^1];
        var clock = Stopwatch.StartNew();
        await _cluster.KillSiloAsync(victim);

        // Nobody calls the lifetimes: they complete because the survivors' recovery service re-activates them.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await _journal.ListUnfinishedAsync(default)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{(await _journal.ListUnfinishedAsync(default)).Count} lifetime(s) still unfinished 60 s after the kill");
            await Task.Delay(100);
        }

        var recovered = clock.Elapsed;
        foreach (var id in ids)
        {
            var records = await _journal.ReadAsync(id, 1, default).ToListAsync();
            Assert.Equal(Enumerable.Range(1, records.Count).Select(n => (long)n), records.Select(r => r.Sequence));
            var end = Assert.IsType<LifetimeEndedEntry>(records[^1]);
            Assert.Equal(ExecutionPhase.Completed, end.Phase);
            var finished = records.OfType<ExecutionEntry>().Where(e => e.Phase == ExecutionPhase.Completed).Select(e => e.ExecutionId).ToList();
            Assert.Equal(finished.Count, finished.Distinct().Count());
            Assert.True(JournalReplay.Replay(records).Identical);
        }

        // The victim's lifetimes ran their step again as attempt 2 (same idempotency key); the others once.
        var retried = 0;
        foreach (var id in ids)
        {
            var records = await _journal.ReadAsync(id, 1, default).ToListAsync();
            retried += records.OfType<ExecutionEntry>().Any(e => e.NodeName == "work" && e.Attempt == 2) ? 1 : 0;
        }

        output.WriteLine($"{Lifetimes} lifetimes, {retried} re-run on a survivor; every lifetime finished {recovered.TotalSeconds:0.00} s after the kill");
        Assert.InRange(retried, 1, Lifetimes - 1);
        Assert.True(recovered < TimeSpan.FromSeconds(30), $"recovered in {recovered}");
    }
}
