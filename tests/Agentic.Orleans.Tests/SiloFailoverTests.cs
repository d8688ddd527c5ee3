using System.Diagnostics;
using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Guardrails;
using Orleans.Configuration;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Agentic.Orleans.Tests;

/// <summary>
/// A silo dies with lifetimes in flight: the recovery service of a survivor re-activates them without any call from
/// a user, and every lifetime completes with a gapless journal and no execution recorded finished twice.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class SiloFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Lifetimes = 60;
    // A store with I/O to wait for: lifetimes record an execution only once its tenant charge is stored, as on SQLite.
    private readonly AwaitedJournalStore _journal = new();
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
        var budget = PolicyReader.Read("policies:\n  - { name: tenant-budget, scope: tenant, when: \"sum(tokens_used) >= 100000000\", action: abort_lifetime }", "tenant.yaml");
        _cluster = await AgenticTestCluster.StartAsync(3, _journal, b => b.AddTask<SpendTask>("spend").AddPolicies(budget), silo: s => s.Configure<ClusterMembershipOptions>(o =>
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
    public async Task KillingASilo_WithFanOutsWaitsRetriesAndABudget_EveryLifetimeCompletesOrStaysParked_Once()
    {
        var fanOut = GraphReader.Parse("""
            graph: fan-out
            version: 1.0.0
            nodes:
              - { name: start, kind: task, type: spend, config: { tokens: 100 } }
              - { name: split, kind: plan, type: all }
              - { name: left,  kind: task, type: sleep, config: { ms: 800 } }
              - { name: right, kind: task, type: sleep, config: { ms: 1200 } }
              - { name: join,  kind: plan, type: all }
            edges:
              - { from: start, to: split }
              - { from: split, to: left,  kind: parallel }
              - { from: split, to: right, kind: parallel }
              - { from: left,  to: join,  kind: join }
              - { from: right, to: join,  kind: join }
              - { from: join,  to: end,   kind: final }
            """, "fan-out.yaml").CanonicalJson;
        var waits = GraphReader.Parse(File.ReadAllText(RepoPaths.Sample("approval")), "approval.yaml").CanonicalJson;
        var retried = GraphReader.Parse("""
            graph: retried
            version: 1.0.0
            nodes:
              - { name: flaky, kind: task, type: fail, config: { times: 1 }, retry: { max_attempts: 3, backoff: 1500ms, max_backoff: 1500ms } }
              - { name: done,  kind: plan, type: all }
            edges:
              - { from: flaky, to: done }
              - { from: done, to: end, kind: final }
            """, "retried.yaml").CanonicalJson;
        var started = new List<(string Id, string Kind)>();
        for (var i = 0; i < 200; i++)
        {
            var (json, kind) = (i % 4) switch { 0 or 1 => (fanOut, "fan-out"), 2 => (waits, "wait"), _ => (retried, "retry") };
            var id = Guid.NewGuid().ToString("N");
            started.Add((id, kind));
            await _cluster.Client.GetGrain<IAgentLifetimeGrain>(id).StartAsync(new StartLifetimeCommand(json, "acme", PayloadData.FromJson("""{"count":0}"""), null));
        }

        await Task.Delay(400); // fan-outs open, retries waiting for their backoff, approvals waiting for a person
        var clock = Stopwatch.StartNew();
        await _cluster.KillSiloAsync(_cluster.Silos[^1]);

        // Nobody calls a lifetime: the survivors' recovery service re-activates what the dead silo held.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var unfinished = (await _journal.ListUnfinishedAsync(default)).Count;
            var parked = 0;
            foreach (var (id, kind) in started.Where(s => s.Kind == "wait"))
            {
                var records = await _journal.ReadAsync(id, 1, default).ToListAsync();
                parked += records.OfType<ExecutionEntry>().Any(e => e.Phase == ExecutionPhase.Waiting) ? 1 : 0;
            }

            if (unfinished == parked && parked == started.Count(s => s.Kind == "wait"))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{unfinished} unfinished ({parked} correctly parked) 60 s after the kill");
            await Task.Delay(100);
        }

        var settledAfter = clock.Elapsed;
        long journalTokens = 0;
        foreach (var (id, kind) in started)
        {
            var records = await _journal.ReadAsync(id, 1, default).ToListAsync();
            Assert.Equal(Enumerable.Range(1, records.Count).Select(n => (long)n), records.Select(r => r.Sequence));
            var finished = records.OfType<ExecutionEntry>().Where(e => e.Phase == ExecutionPhase.Completed).Select(e => e.ExecutionId).ToList();
            Assert.Equal(finished.Count, finished.Distinct().Count());
            Assert.True(JournalReplay.Replay(records).Identical);
            if (kind == "wait")
            {
                Assert.IsNotType<LifetimeEndedEntry>(records[^1]);
            }
            else
            {
                Assert.Equal(ExecutionPhase.Completed, Assert.IsType<LifetimeEndedEntry>(records[^1]).Phase);
            }

            journalTokens += records.OfType<ExecutionEntry>().Sum(e => e.Telemetry.TokensUsed);
        }

        // The parked ones are still parked, and answer their input on a survivor.
        var (waiting, _) = started.First(s => s.Kind == "wait");
        var lifetime = _cluster.Client.GetGrain<IAgentLifetimeGrain>(waiting);
        var view = await lifetime.InspectAsync();
        await lifetime.ProvideInputAsync(view.Awaiting.Single(a => a.Phase == "waiting").ExecutionId, PayloadData.FromJson("""{"ok":true}"""), "ada");
        Assert.Equal("completed", (await lifetime.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30))).Phase);

        var ledger = await _cluster.Client.GetGrain<IGuardrailGrain>("acme").GetLedgerAsync();
        var charged = (long)TenantLedger.Restore(ledger.State, "acme", DateTimeOffset.UtcNow).AllTime.Sum(0);
        output.WriteLine($"200 lifetimes; all but the parked settled {settledAfter.TotalSeconds:0.00} s after the kill; tenant ledger {charged} tokens, journals {journalTokens}");
        // A charge is stored before its record; an attempt killed in between is recorded lost with what it spent.
        Assert.Equal(journalTokens, charged);
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
