using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Nodes;
using Agentic.Runtime.Tests.Journal;
using Microsoft.Extensions.DependencyInjection;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Guardrails;

/// <summary>
/// Tenant budgets never bypassed: an unreadable ledger refuses the tenant's lifetimes (it used to count afresh from
/// zero), a waiting execution's usage is charged, and budgets evicted from memory come back with their totals.
/// </summary>
public sealed class TenantLedgerSafetyTests
{
    private static readonly AgentGraph OneStep = GraphReader.Parse("""
        graph: one-step
        version: 1.0.0
        nodes:
          - { name: spend, kind: task, type: spend, config: { tokens: 100 } }
          - { name: done,  kind: plan, type: all }
        edges:
          - { from: spend, to: done }
          - { from: done, to: end, kind: final }
        """, "one-step.yaml");

    private static PolicySet Budget(long tokens) =>
        PolicyReader.Read($"policies:\n  - {{ name: tenant-budget, scope: tenant, when: \"sum(tokens_used) >= {tokens}\", action: abort_lifetime }}", "tenant.yaml");

    private static StartLifetimeOptions For(string tenant) => new() { TenantId = tenant, Input = Payload.FromJson("""{"count":0}""") };

    [Fact]
    public async Task UnreadableLedger_RefusesTheTenantsLifetimes_AndSaysWhy()
    {
        var store = new UnreadableLedgerStore();
        await using var t = await TestRuntime.StartAsync(store, nodes: b => b.AddPolicies(Budget(1000)), silos: 1);

        var (outcome, journal) = await t.RunAsync(OneStep, For("acme"));

        Assert.Equal(ExecutionPhase.Aborted, outcome.Phase);
        Assert.Contains("guardrail ledger of tenant acme cannot be read", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("bad sector", outcome.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(journal.OfType<ExecutionEntry>(), e => e.Phase == ExecutionPhase.Completed && e.NodeName == "done");
        Assert.Equal(1, t.Runtime.Tenants.Sum(s => s.LedgerResets));
        // Nothing is written over the ledger that could not be read.
        Assert.Equal(0, store.LedgerWrites);
    }

    [Fact]
    public async Task WaitingExecution_ItsUsageIsCharged_ToTheTenant()
    {
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddPolicies(Budget(150)).AddTask<SpendThenAskTask>("spend_ask"), silos: 1);
        var asking = new GraphBuilder("ask").Task("draft", "spend_ask").Plan("done", "all").Edge("draft", "done").Final("done").Build();
        var waiting = t.Runtime.Start(asking, For("acme"));
        var view = await t.Runtime.WhenSettledAsync(waiting.LifetimeId).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExecutionPhase.Waiting, view.Phase);

        // 100 tokens drafting the question + 100 now reach 150: refused. Uncharged, the prompt left the budget at 0.
        var (outcome, _) = await t.RunAsync(OneStep, For("acme"));
        Assert.Equal(ExecutionPhase.Aborted, outcome.Phase);
        Assert.Contains("sum(tokens_used) = 200", outcome.Reason, StringComparison.Ordinal);

        // The usage report reads the same journals: the drafted question's tokens count, its execution once.
        var report = await UsageReport.ReadAsync(t.Runtime.Journal, "acme", waiting.LifetimeId, CancellationToken.None);
        Assert.Equal((100L, 1L, 1L), (report.TokensUsed, report.Lines.Single().Executions, report.Executions));
        var all = await UsageReport.ReadAsync(t.Runtime.Journal, "acme", null, CancellationToken.None);
        Assert.Equal(200, all.TokensUsed);
    }

    [Fact]
    public async Task IdleBudgets_AreEvicted_AndComeBackWithTheirTotals()
    {
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddPolicies(Budget(250)), silos: 1);
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(ExecutionPhase.Completed, (await t.RunAsync(OneStep, For($"tenant-{i}"))).Outcome.Phase);
        }

        Assert.Equal(ExecutionPhase.Completed, (await t.RunAsync(OneStep, For("acme"))).Outcome.Phase);
        Assert.Equal(ExecutionPhase.Completed, (await t.RunAsync(OneStep, For("acme"))).Outcome.Phase);
        // Each silo holds the budgets of the tenants whose lifetimes it ran (acme's two may have run on both).
        var tenants = t.Runtime.Tenants;
        Assert.InRange(tenants.Sum(s => s.BudgetsInMemory), 21, 22);

        // Written behind within 200 ms, then nothing holds them.
        await TestRuntime.Until(() => tenants.Sum(s => s.EvictIdle(TimeSpan.Zero)) >= 0 && tenants.Sum(s => s.BudgetsInMemory) == 0, "every idle budget is evicted");

        // acme spent 200 before the eviction (on whichever silos); its third step reaches 300 >= 250 and is refused.
        var (third, _) = await t.RunAsync(OneStep, For("acme"));
        Assert.Equal(ExecutionPhase.Aborted, third.Phase);
        Assert.Contains("sum(tokens_used) = 300", third.Reason, StringComparison.Ordinal);
    }

    private sealed class UnreadableLedgerStore : DelegatingJournalStore
    {
        private int _writes;

        public int LedgerWrites => _writes;

        public override ValueTask<TenantLedgerState?> ReadTenantLedgerAsync(string tenantId, CancellationToken cancellationToken) =>
            throw new IOException("bad sector reading the ledger");

        public override ValueTask WriteTenantLedgerAsync(TenantLedgerState state, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _writes);
            return base.WriteTenantLedgerAsync(state, cancellationToken);
        }
    }
}

/// <summary>Spends 100 tokens drafting a question, then waits for a person's answer.</summary>
public sealed class SpendThenAskTask : ITaskHandler
{
    public ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        context.RecordTokens(100, 0);
        return ValueTask.FromResult(context.WaitForInput("publish?", context.Input));
    }
}
