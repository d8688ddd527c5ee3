using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Tests.Journal;
using Microsoft.Extensions.DependencyInjection;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Guardrails;

/// <summary>
/// Tenant budgets judged exactly, in one order, as on one silo: these run on a one-silo cluster. Across silos the
/// tenant's guardrail grain orders every silo's charges and the overshoot is bounded instead (GuardrailGrainTests in
/// Agentic.Orleans.Tests measure it on two silos).
/// </summary>
public sealed class TenantGuardrailTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-tenant-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // spend (100 tokens a step) loops through decide until the count reaches 6: 600 tokens per lifetime.
    private static AgentGraph Loop(int attempts = 1, string name = "tenant-loop") => GraphReader.Parse($$"""
        graph: {{name}}
        version: 1.0.0
        nodes:
          - { name: spend,  kind: task, type: spend, config: { tokens: 100 }, retry: { max_attempts: {{attempts}}, backoff: 1ms } }
          - { name: decide, kind: plan, type: route, config: { rules: [ { when: "result.count >= 6", to: [end] } ], otherwise: [spend] } }
        edges:
          - { from: spend, to: decide }
          - { from: decide, to: spend }
          - { from: decide, to: end, kind: final }
        """, "tenant-loop.yaml");

    private static PolicySet Budget(string action, string when = "sum(tokens_used) >= 1000", string window = "") =>
        PolicyReader.Read($"policies:\n  - {{ name: tenant-budget, scope: tenant, {window}when: \"{when}\", action: {action} }}", "tenant.yaml");

    private static StartLifetimeOptions For(string tenant) => new() { TenantId = tenant, Input = Payload.FromJson("""{"count":0}""") };

    private static async Task<LifetimeView> Settled(TestRuntime t, LifetimeHandle handle) =>
        await t.Runtime.WhenSettledAsync(handle.LifetimeId).WaitAsync(TimeSpan.FromSeconds(30));

    private static Task<LifetimeView> Resume(TestRuntime t, string lifetimeId, string actor, string? reason = null) =>
        t.Runtime.ResumeAsync(lifetimeId, actor, reason).WaitAsync(TimeSpan.FromSeconds(30));

    private static long Tokens(IEnumerable<JournalEntry> journal) => journal.OfType<ExecutionEntry>().Sum(e => e.Telemetry.TokensUsed);

    [Fact]
    public async Task AbortLifetime_SequentialLifetimesOfATenant_ShareOneBudget_AndTheNextStartsNothing()
    {
        var set = Budget("abort_lifetime");
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddPolicies(set), silos: 1);

        var (first, _) = await t.RunAsync(Loop(), For("acme"));
        Assert.Equal(ExecutionPhase.Completed, first.Phase);

        // 600 spent; the second lifetime's fourth step brings the tenant to 1000: it is aborted right there.
        var (second, journal) = await t.RunAsync(Loop(), For("acme"));
        Assert.Equal(ExecutionPhase.Aborted, second.Phase);
        var decided = journal.OfType<ExecutionEntry>().Single(e => e.Decision is not null);
        Assert.Equal(new PolicyDecision("tenant-budget", PolicyScope.Tenant, PolicyAction.AbortLifetime, "sum(tokens_used)", 1000, 1000, set.Version), decided.Decision);
        Assert.Equal(400, Tokens(journal));
        Assert.Equal($"aborted by policy 'tenant-budget' (tenant, abort_lifetime): sum(tokens_used) = 1000 against threshold 1000 (policy set {set.Version})", second.Reason);
        Assert.True(JournalReplay.Replay(journal).Identical);

        // The budget is exhausted: a new lifetime is aborted before anything runs, and the journal says why.
        var (third, refused) = await t.RunAsync(Loop(), For("acme"));
        Assert.Equal(ExecutionPhase.Aborted, third.Phase);
        var control = Assert.Single(refused.OfType<ControlEntry>());
        Assert.Equal((LifetimeControl.Abort, "policy:tenant-budget"), (control.Action, control.Actor));
        Assert.Equal(new PolicyDecision("tenant-budget", PolicyScope.Tenant, PolicyAction.AbortLifetime, "sum(tokens_used)", 1000, 1000, set.Version), control.Decision);
        Assert.All(refused.OfType<ExecutionEntry>(), e => Assert.Equal(ExecutionPhase.Cancelled, e.Phase));
        Assert.True(JournalReplay.Replay(refused).Identical);

        // Another tenant has its own budget.
        var (other, _) = await t.RunAsync(Loop(), For("globex"));
        Assert.Equal(ExecutionPhase.Completed, other.Phase);
    }

    [Fact]
    public async Task ConcurrentLifetimesOfOneTenant_OvershootTheBudgetByNoMoreThanTheExecutionsInFlight()
    {
        const int lifetimes = 64;
        var set = Budget("abort_lifetime", when: "sum(tokens_used) > 2000");
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddPolicies(set), silos: 1);
        var graph = Loop();

        var handles = Enumerable.Range(0, lifetimes).Select(_ => t.Runtime.Start(graph, For("acme"))).ToList();
        var outcomes = await Task.WhenAll(handles.Select(h => h.Completion.WaitAsync(TimeSpan.FromSeconds(60))));

        var journals = new List<List<JournalEntry>>();
        foreach (var h in handles)
        {
            journals.Add(await t.Runtime.Journal.ReadAsync(h.LifetimeId, 1, default).ToListAsync());
        }

        // Without the budget they would spend 64 x 600 = 38,400 tokens. Each lifetime has at most one spend step in
        // flight, so once the budget is crossed at most 63 more can still finish: the overshoot bound.
        var spent = journals.Sum(Tokens);
        Assert.InRange(spent, 2001, 2000 + (lifetimes * 100));
        Assert.All(journals, j => Assert.True(JournalReplay.Replay(j).Identical));

        // Lifetimes that finished before the budget was crossed completed (together under it); all others were
        // aborted by the tenant budget, recorded either on a finished step or on a control record before dispatch.
        var completed = outcomes.Select((o, i) => (o, i)).Where(x => x.o.Phase == ExecutionPhase.Completed).Select(x => Tokens(journals[x.i])).ToList();
        Assert.InRange(completed.Sum(), 0, 2000);
        Assert.True(completed.Count < lifetimes / 2, $"{completed.Count} lifetimes completed");
        Assert.All(outcomes.Where(o => o.Phase != ExecutionPhase.Completed), o =>
        {
            Assert.Equal(ExecutionPhase.Aborted, o.Phase);
            Assert.Contains("policy 'tenant-budget' (tenant, abort_lifetime)", o.Reason, StringComparison.Ordinal);
        });
        Assert.All(journals.Where(j => j.OfType<LifetimeEndedEntry>().Single().Phase == ExecutionPhase.Aborted), j => Assert.Contains(j, e =>
            (e is ExecutionEntry { Decision.Policy: "tenant-budget" }) || (e is ControlEntry { Decision.Policy: "tenant-budget" })));
    }

    [Fact]
    public async Task PauseLifetime_ByATenantBudget_ResumesAfterTheBudgetIsRaised_WithoutARestart()
    {
        var file = Path.Combine(_dir, "tenant.yaml");
        await File.WriteAllTextAsync(file, "policies:\n  - { name: tenant-budget, scope: tenant, when: \"sum(tokens_used) >= 300\", action: pause_lifetime }");
        using var source = new PolicyFileSource(file);
        await using var t = await TestRuntime.StartAsync(nodes: b => b.Services.AddSingleton<IPolicySource>(source), silos: 1);

        var handle = t.Runtime.Start(Loop(), For("acme"));
        Assert.Equal(ExecutionPhase.Paused, (await Settled(t, handle)).Phase);

        // A second lifetime of the tenant is paused before its first step, by a control record carrying the decision.
        var blocked = t.Runtime.Start(Loop(), For("acme"));
        Assert.Equal(ExecutionPhase.Paused, (await Settled(t, blocked)).Phase);
        var journal = await t.Runtime.Journal.ReadAsync(blocked.LifetimeId, 1, default).ToListAsync();
        var pause = Assert.Single(journal.OfType<ControlEntry>());
        Assert.Equal((LifetimeControl.Pause, "policy:tenant-budget", 300d), (pause.Action, pause.Actor, pause.Decision!.Measured));
        Assert.Empty(journal.OfType<ExecutionEntry>());

        // Resumed under the same budget it pauses again at once; raised in the file, both run to the end.
        await Resume(t, blocked.LifetimeId, "ops");
        Assert.Equal(ExecutionPhase.Paused, (await Settled(t, blocked)).Phase);
        var before = source.Current.Version;
        await File.WriteAllTextAsync(file, "policies:\n  - { name: tenant-budget, scope: tenant, when: \"sum(tokens_used) >= 5000\", action: pause_lifetime }");
        await TestRuntime.Until(() => source.Current.Version != before, "the policy file is reloaded");
        await Resume(t, handle.LifetimeId, "ops", "budget raised");
        await Resume(t, blocked.LifetimeId, "ops", "budget raised");
        Assert.Equal(ExecutionPhase.Completed, (await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Phase);
        Assert.Equal(ExecutionPhase.Completed, (await blocked.Completion.WaitAsync(TimeSpan.FromSeconds(30))).Phase);
    }

    [Fact]
    public async Task RejectExecution_ByAnExhaustedTenantBudget_RejectsEachAttemptBeforeItStarts_ThenTheLifetimeFails()
    {
        var set = Budget("reject_execution", when: "sum(tokens_used) >= 300");
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddPolicies(set), silos: 1);

        var (first, journal) = await t.RunAsync(Loop(attempts: 2), For("acme"));
        Assert.Equal(ExecutionPhase.Failed, first.Phase);
        var rejected = journal.OfType<ExecutionEntry>().Where(e => e.Decision is not null).ToList();
        // The third spend reaches 300 and is rejected; its retry is rejected before it starts (no tokens spent).
        Assert.Equal([(1, 100L), (2, 0L)], rejected.Select(e => (e.Attempt, e.Telemetry.TokensUsed)));
        Assert.StartsWith("rejected before it started by policy 'tenant-budget' (tenant, reject_execution)", rejected[1].Error, StringComparison.Ordinal);
        Assert.StartsWith("task 'spend' failed after 2 attempt(s): rejected before it started by policy 'tenant-budget'", first.Reason, StringComparison.Ordinal);
        Assert.True(JournalReplay.Replay(journal).Identical);
    }

    [Fact]
    public async Task WindowedBudget_ExhaustedNow_LetsTheTenantRunAgainOnceTheUsageLeavesTheWindow()
    {
        var clock = new ShiftedTimeProvider();
        var set = Budget("abort_lifetime", window: "window: 1h, ");
        await using var t = await TestRuntime.StartAsync(nodes: b => { b.AddPolicies(set); b.Services.AddSingleton<TimeProvider>(clock); }, silos: 1);

        Assert.Equal(ExecutionPhase.Completed, (await t.RunAsync(Loop(), For("acme"))).Outcome.Phase);
        Assert.Equal(ExecutionPhase.Aborted, (await t.RunAsync(Loop(), For("acme"))).Outcome.Phase);
        Assert.Equal(ExecutionPhase.Aborted, (await t.RunAsync(Loop(), For("acme"))).Outcome.Phase);

        // An hour and a bucket (1 min) later the spend has left the window: the tenant may spend again.
        clock.Advance(TimeSpan.FromMinutes(62));
        var (again, journal) = await t.RunAsync(Loop(), For("acme"));
        Assert.Equal(ExecutionPhase.Completed, again.Phase);
        Assert.Equal(600, Tokens(journal));
    }

    [Fact]
    public async Task TheLedger_IsPersisted_SoARestartedRuntimeKeepsTheTenantExhausted()
    {
        var store = new InMemoryJournalStore();
        var set = Budget("abort_lifetime", when: "sum(tokens_used) >= 500");
        await using (var t = await TestRuntime.StartAsync(store, nodes: b => b.AddPolicies(set), silos: 1))
        {
            Assert.Equal(ExecutionPhase.Aborted, (await t.RunAsync(Loop(), For("acme"))).Outcome.Phase);
        }

        var state = await store.ReadTenantLedgerAsync("acme", default);
        Assert.NotNull(state);
        Assert.Equal(9, state.Charges); // five spend steps and four decisions

        await using var restarted = await TestRuntime.StartAsync(store, nodes: b => b.AddPolicies(set), silos: 1);
        var (outcome, journal) = await restarted.RunAsync(Loop(), For("acme"));
        Assert.Equal(ExecutionPhase.Aborted, outcome.Phase);
        Assert.Equal(0, Tokens(journal));
        Assert.Equal(500d, Assert.Single(journal.OfType<ControlEntry>()).Decision!.Measured);
    }

    [Fact]
    public async Task AGraphFilteredTenantBudget_CountsTheTenantsUsageInEveryGraph_ButStopsOnlyLifetimesOfItsGraph()
    {
        var set = PolicyReader.Read("policies:\n  - { name: loop-budget, scope: tenant, graph: tenant-loop, when: \"sum(tokens_used) >= 1000\", action: abort_lifetime }", "tenant.yaml");
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddPolicies(set), silos: 1);

        // Another graph of the tenant is never stopped by the policy, but what it spends counts toward the tenant's totals.
        Assert.Equal(ExecutionPhase.Completed, (await t.RunAsync(Loop(name: "other-loop"), For("acme"))).Outcome.Phase);
        Assert.Equal(ExecutionPhase.Completed, (await t.RunAsync(Loop(name: "other-loop"), For("acme"))).Outcome.Phase);

        var (outcome, journal) = await t.RunAsync(Loop(), For("acme"));
        Assert.Equal(ExecutionPhase.Aborted, outcome.Phase);
        Assert.Equal(1200d, Assert.Single(journal.OfType<ControlEntry>()).Decision!.Measured);
        Assert.Equal(0, Tokens(journal));
        Assert.Equal(ExecutionPhase.Completed, (await t.RunAsync(Loop(name: "other-loop"), For("acme"))).Outcome.Phase);
    }

    [Fact]
    public async Task WithADurableStore_EveryChargeIsInTheStoredLedgerBeforeItsExecutionIsRecorded()
    {
        var store = new LedgerCheckingStore();
        var set = Budget("abort_lifetime", when: "sum(tokens_used) >= 1000000");
        await using (var t = await TestRuntime.StartAsync(store, nodes: b => b.AddPolicies(set), silos: 1))
        {
            var handles = Enumerable.Range(0, 8).Select(_ => t.Runtime.Start(Loop(), For("acme"))).ToList();
            Assert.All(await Task.WhenAll(handles.Select(h => h.Completion.WaitAsync(TimeSpan.FromSeconds(30)))), o => Assert.Equal(ExecutionPhase.Completed, o.Phase));
        }

        Assert.Equal(8 * 12, store.ExecutionsAppended);
        Assert.Equal(0, store.RecordedBeforeStored);
        Assert.Equal(8 * 12, (await store.ReadTenantLedgerAsync("acme", default))!.Charges);
    }

    [Fact]
    public async Task ALedgerWriteThatFails_DoesNotHoldTheLifetimes_AndALaterWriteStoresEveryCharge()
    {
        var store = new LedgerCheckingStore { FailLedgerWrites = 2 };
        var set = Budget("abort_lifetime", when: "sum(tokens_used) >= 1000000");
        await using (var t = await TestRuntime.StartAsync(store, nodes: b => b.AddPolicies(set), silos: 1))
        {
            Assert.Equal(ExecutionPhase.Completed, (await t.RunAsync(Loop(), For("acme")).WaitAsync(TimeSpan.FromSeconds(30))).Outcome.Phase);
            Assert.Equal(ExecutionPhase.Completed, (await t.RunAsync(Loop(), For("acme")).WaitAsync(TimeSpan.FromSeconds(30))).Outcome.Phase);
        }

        // Failed writes are retried with later charges (not in a loop): a handful of writes, and nothing lost.
        Assert.InRange(store.LedgerWriteAttempts, 3, 24);
        Assert.Equal(24, (await store.ReadTenantLedgerAsync("acme", default))!.Charges);
    }

    /// <summary>Checks that no execution is recorded before the stored ledger holds its charge; can fail ledger writes.</summary>
    private sealed class LedgerCheckingStore : DelegatingJournalStore
    {
        private long _stored;

        public int FailLedgerWrites { get; init; }

        public int LedgerWriteAttempts;

        public int ExecutionsAppended;

        public int RecordedBeforeStored;

        public override async ValueTask AppendAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
        {
            await Task.Yield();
            foreach (var e in batch.OfType<ExecutionEntry>())
            {
                if (Interlocked.Increment(ref ExecutionsAppended) > Interlocked.Read(ref _stored))
                {
                    Interlocked.Increment(ref RecordedBeforeStored);
                }
            }

            await Inner.AppendAsync(batch, cancellationToken);
        }

        public override async ValueTask WriteTenantLedgerAsync(TenantLedgerState state, CancellationToken cancellationToken)
        {
            await Task.Yield();
            if (Interlocked.Increment(ref LedgerWriteAttempts) <= FailLedgerWrites)
            {
                throw new IOException("disk full");
            }

            await Inner.WriteTenantLedgerAsync(state, cancellationToken);
            Interlocked.Exchange(ref _stored, Math.Max(Interlocked.Read(ref _stored), state.Charges));
        }
    }
}
