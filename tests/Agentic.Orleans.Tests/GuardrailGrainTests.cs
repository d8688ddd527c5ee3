using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Journal;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Agentic.Orleans.Tests;

/// <summary>
/// A tenant's budget holds across silos: every silo's charges go to the tenant's guardrail grain in one order, so the
/// overshoot past the budget stays within the executions in flight plus one batch per silo, and the stored ledger
/// equals the sum of the journals.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class GuardrailGrainTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const long Budget = 1000;
    private const long PerStep = 100;
    private readonly AwaitedJournalStore _journal = new();
    private InProcessTestCluster _cluster = null!;

    // Three steps of 100 tokens: 300 a lifetime.
    private static readonly string Graph = GraphReader.Parse("""
        graph: spender
        version: 1.0.0
        nodes:
          - { name: spend,  kind: task, type: spend, config: { tokens: 100 } }
          - { name: decide, kind: plan, type: route, config: { rules: [ { when: "result.count >= 3", to: [end] } ], otherwise: [spend] } }
        edges:
          - { from: spend, to: decide }
          - { from: decide, to: spend }
          - { from: decide, to: end, kind: final }
        """, "spender.yaml").CanonicalJson;

    public async Task InitializeAsync()
    {
        var policies = PolicyReader.Read($"policies:\n  - {{ name: tenant-budget, scope: tenant, when: \"sum(tokens_used) >= {Budget}\", action: abort_lifetime }}", "tenant.yaml");
        _cluster = await AgenticTestCluster.StartAsync(2, _journal, b => b.AddTask<SpendTask>("spend").AddPolicies(policies));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _journal.DisposeAsync();
    }

    [Fact]
    public async Task LifetimesOnBothSilos_ShareOneBudget_OvershootBounded_LedgerEqualsJournals()
    {
        var ids = new List<string>();
        var silos = new HashSet<string>();
        for (var i = 0; i < 12; i++)
        {
            // One after another: the only slack is the one execution in flight and each silo's unsent batch.
            var id = Guid.NewGuid().ToString("N");
            ids.Add(id);
            var lifetime = _cluster.Client.GetGrain<IAgentLifetimeGrain>(id);
            await lifetime.StartAsync(new StartLifetimeCommand(Graph, "acme", PayloadData.FromJson("""{"count":0}"""), null));
            await lifetime.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        long spent = 0;
        var phases = new List<ExecutionPhase>();
        foreach (var id in ids)
        {
            var records = await _journal.ReadAsync(id, 1, default).ToListAsync();
            spent += records.OfType<ExecutionEntry>().Sum(e => e.Telemetry.TokensUsed);
            phases.Add(Assert.IsType<LifetimeEndedEntry>(records[^1]).Phase);
        }

        var ledger = await _cluster.Client.GetGrain<IGuardrailGrain>("acme").GetLedgerAsync();
        var stored = TenantLedger.Restore(ledger.State, "acme", DateTimeOffset.UtcNow).AllTime.Sum(0);
        output.WriteLine($"budget {Budget}, spent {spent} across {ids.Count} lifetimes ({phases.Count(p => p == ExecutionPhase.Completed)} completed, {phases.Count(p => p == ExecutionPhase.Aborted)} aborted); ledger {stored}");

        // Per-silo ledgers would let each silo spend the budget (up to 2 x 1000 here); one owner keeps it to
        // the budget plus one execution in flight plus one unsent batch (one execution) per silo.
        Assert.InRange(spent, Budget, Budget + PerStep * (1 + 2));
        Assert.Equal(spent, (long)stored);
        Assert.Contains(ExecutionPhase.Aborted, phases);
    }
}
