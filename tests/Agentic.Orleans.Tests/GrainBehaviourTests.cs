using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Agentic.Orleans.Tests;

/// <summary>
/// The runtime's behaviours on the grains (2 silos): retries with timers, timeouts, iteration caps, fan-out and join,
/// snapshots across deactivation, execution- and lifetime-scope guardrails, replay. The orchestration is the one the
/// embedded host runs; these tests prove the grain hosts it (timers, completions and writes come back as turns).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class GrainBehaviourTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly InMemoryJournalStore _journal = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        // Only graph 'capped' is guarded: a loop paused at its third iteration, and a step over 1 s rejected.
        var policies = PolicyReader.Read("""
            graph: capped
            policies:
              - { name: loop-cap, scope: lifetime, when: "max(iteration_idx) >= 3", action: pause_lifetime }
              - { name: slow-step, scope: execution, when: "latency_ms > 1000", action: reject_execution }
            """, "guard.yaml");
        _cluster = await AgenticTestCluster.StartAsync(2, _journal, b => b.AddPolicies(policies).Configure(o => o.SnapshotEvery = 16));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _journal.DisposeAsync();
    }

    private async Task<(LifetimeState State, List<JournalEntry> Journal)> Run(string yaml, string? input = null)
    {
        var graph = GraphReader.Parse(yaml, "g.yaml");
        var lifetime = _cluster.Client.GetGrain<IAgentLifetimeGrain>(Guid.NewGuid().ToString("N"));
        await lifetime.StartAsync(new StartLifetimeCommand(graph.CanonicalJson, "acme", input is null ? null : PayloadData.FromJson(input), null));
        var state = await lifetime.WhenSettledAsync().WaitAsync(Patience);
        return (state, await _journal.ReadAsync(state.LifetimeId, 1, default).ToListAsync());
    }

    [Fact]
    public async Task Retries_RunOnGrainTimers_WithTheSameIdempotencyKey()
    {
        var (state, journal) = await Run("""
            graph: retried
            version: 1.0.0
            nodes:
              - { name: flaky, kind: task, type: fail, config: { times: 2 }, retry: { max_attempts: 3, backoff: 50ms } }
              - { name: done,  kind: plan, type: all }
            edges:
              - { from: flaky, to: done }
              - { from: done, to: end, kind: final }
            """);

        Assert.Equal("completed", state.Phase);
        var attempts = journal.OfType<ExecutionEntry>().Where(e => e.NodeName == "flaky").ToList();
        Assert.Equal([(1, ExecutionPhase.Failed), (2, ExecutionPhase.Failed), (3, ExecutionPhase.Completed)], attempts.Select(a => (a.Attempt, a.Phase)));
        Assert.Single(attempts.Select(a => a.IdempotencyKey).Distinct());
        Assert.True(attempts[1].StartedAt - attempts[0].RecordedAt >= TimeSpan.FromMilliseconds(20), "the retry waited for its backoff");
    }

    [Fact]
    public async Task Timeout_CancelsTheHandler_AndFailsTheLifetime()
    {
        var (state, journal) = await Run("""
            graph: timed
            version: 1.0.0
            nodes:
              - { name: slow, kind: task, type: sleep, config: { ms: 5000 }, timeout: 200ms }
              - { name: done, kind: plan, type: all }
            edges:
              - { from: slow, to: done }
              - { from: done, to: end, kind: final }
            """);

        Assert.Equal("failed", state.Phase);
        var slow = Assert.Single(journal.OfType<ExecutionEntry>());
        Assert.Contains("timed out", slow.Error, StringComparison.Ordinal);
        Assert.True(slow.Telemetry.LatencyMs < 4000, $"the handler was cancelled, not waited for ({slow.Telemetry.LatencyMs} ms)");
    }

    [Fact]
    public async Task IterationCap_EndsALoop()
    {
        var (state, _) = await Run("""
            graph: endless
            version: 1.0.0
            iteration_cap: 4
            nodes:
              - { name: work, kind: task, type: counter }
              - { name: again, kind: plan, type: all }
            edges:
              - { from: work, to: again }
              - { from: again, to: work }
              - { from: again, to: end, kind: final, when: "result.count > 1000" }
            """);

        Assert.Equal("failed", state.Phase);
        Assert.Contains("iteration cap of 4", state.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FanOut_RunsBranchesInParallel_AndTheJoinGathersThem()
    {
        var (state, journal) = await Run("""
            graph: fan
            version: 1.0.0
            nodes:
              - { name: start, kind: task, type: echo }
              - { name: split, kind: plan, type: all }
              - { name: left,  kind: task, type: sleep, config: { ms: 300 } }
              - { name: right, kind: task, type: sleep, config: { ms: 300 } }
              - { name: join,  kind: plan, type: all }
            edges:
              - { from: start, to: split }
              - { from: split, to: left,  kind: parallel }
              - { from: split, to: right, kind: parallel }
              - { from: left,  to: join,  kind: join }
              - { from: right, to: join,  kind: join }
              - { from: join,  to: end,   kind: final }
            """);

        Assert.Equal("completed", state.Phase);
        var branches = journal.OfType<ExecutionEntry>().Where(e => e.NodeName is "left" or "right").ToList();
        Assert.Equal(2, branches.Count);
        Assert.True(branches.Max(b => b.StartedAt) < branches.Min(b => b.RecordedAt), "both branches ran at once");
        var join = journal.OfType<ExecutionEntry>().Single(e => e.NodeName == "join");
        Assert.Equal(2, join.ParentIds.Count);
    }

    [Fact]
    public async Task Snapshots_AreTaken_AndUsedWhenTheLifetimeIsReactivated()
    {
        var (state, journal) = await Run("""
            graph: long-then-ask
            version: 1.0.0
            nodes:
              - { name: work,  kind: task, type: counter }
              - { name: loop,  kind: plan, type: route, config: { rules: [ { when: "result.count >= 30", to: [ask] } ], otherwise: [work] } }
              - { name: ask,   kind: task, type: human, config: { prompt: "go on?" } }
              - { name: done,  kind: plan, type: all }
            edges:
              - { from: work, to: loop }
              - { from: loop, to: work }
              - { from: loop, to: ask }
              - { from: ask,  to: done }
              - { from: done, to: end, kind: final }
            """);
        Assert.Equal("waiting", state.Phase);
        Assert.True(journal.Count > 60);
        var lifetime = _cluster.Client.GetGrain<IAgentLifetimeGrain>(state.LifetimeId);

        // Snapshots are written off the lifetime's turn (every 16 records here): wait until one is stored.
        var deadline = DateTime.UtcNow + Patience;
        while (await _journal.ReadSnapshotAsync(state.LifetimeId, default) is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "no snapshot of the parked lifetime was stored");
            await Task.Delay(20);
        }

        var used = SnapshotsUsed();

        await _cluster.DeactivateAsync(lifetime);
        var reloaded = await lifetime.InspectAsync();

        Assert.Equal((state.Phase, state.LastSequence), (reloaded.Phase, reloaded.LastSequence));
        Assert.True(SnapshotsUsed() > used, "the re-activation started from a snapshot");
        await lifetime.ProvideInputAsync(Assert.Single(reloaded.Awaiting).ExecutionId, PayloadData.FromJson("""{"go":true}"""), "ada");
        Assert.Equal("completed", (await lifetime.WhenSettledAsync().WaitAsync(Patience)).Phase);
        Assert.True(JournalReplay.Replay(await _journal.ReadAsync(state.LifetimeId, 1, default).ToListAsync()).Identical);
    }

    [Fact]
    public async Task LifetimeGuardrail_PausesAtTheCap_AndHoldsAgainAfterResume()
    {
        var (state, journal) = await Run("""
            graph: capped
            version: 1.0.0
            nodes:
              - { name: work, kind: task, type: counter }
              - { name: again, kind: plan, type: all }
            edges:
              - { from: work, to: again }
              - { from: again, to: work }
              - { from: again, to: end, kind: final, when: "result.count >= 10" }
            """);

        Assert.Equal("paused", state.Phase);
        Assert.Contains(journal.OfType<ExecutionEntry>(), e => e.Decision?.Policy == "loop-cap");
        var lifetime = _cluster.Client.GetGrain<IAgentLifetimeGrain>(state.LifetimeId);
        await lifetime.ResumeAsync("ops", null);
        var again = await lifetime.WhenSettledAsync().WaitAsync(Patience);
        Assert.Equal("paused", again.Phase);
        Assert.True(JournalReplay.Replay(await _journal.ReadAsync(state.LifetimeId, 1, default).ToListAsync()).Identical);
    }

    private long SnapshotsUsed() =>
        _cluster.Silos.Sum(s => _cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<ActivationCounters>().SnapshotsUsedOnActivation);
}
