using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Journal;
using Orleans.TestingHost;

namespace Agentic.Orleans.Tests;

/// <summary>
/// An attempt whose usage was charged to its tenant but whose record never came (its activation went in between, as
/// with a silo killed): the lifetime's next activation records it as lost with that usage and runs the execution
/// again, so the tenant's ledger and the journal hold the same spend.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class LostAttemptTests : IAsyncLifetime
{
    private static readonly string Graph = GraphReader.Parse("""
        graph: lost-attempt
        version: 1.0.0
        nodes:
          - { name: ask,  kind: task, type: spend, config: { tokens: 100 } }
          - { name: done, kind: plan, type: all }
        edges:
          - { from: ask, to: done }
          - { from: done, to: end, kind: final }
        """, "lost-attempt.yaml").CanonicalJson;

    private readonly AwaitedJournalStore _journal = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        var budget = PolicyReader.Read("policies:\n  - { name: tenant-budget, scope: tenant, when: \"sum(tokens_used) >= 100000000\", action: abort_lifetime }", "tenant.yaml");
        _cluster = await AgenticTestCluster.StartAsync(1, _journal, b => b.AddTask<SpendTask>("spend").AddPolicies(budget));
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _journal.DisposeAsync();
    }

    [Fact]
    public async Task AChargedAttemptWhoseRecordNeverCame_IsRecordedLostWithItsUsage_AndTheLedgerEqualsTheJournal()
    {
        var inside = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = 0;
        // The first ledger write (the one holding the ask's charge) waits inside the guardrail grain.
        _journal.BeforeLedgerWrite = async () =>
        {
            if (Interlocked.Increment(ref held) == 1)
            {
                inside.TrySetResult();
                await release.Task;
            }
        };

        var id = Guid.NewGuid().ToString("N");
        var lifetime = _cluster.Client.GetGrain<IAgentLifetimeGrain>(id);
        await lifetime.StartAsync(new StartLifetimeCommand(Graph, "acme", null, null));
        await inside.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The activation goes while its charge is being stored: the answer that would have recorded the ask finds no
        // one. The next activation (it calls itself) asks the guardrail grain, which answers after storing the charge.
        await _cluster.DeactivateAsync(lifetime);
        release.SetResult();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        List<JournalEntry> records;
        while ((records = await _journal.ReadAsync(id, 1, default).ToListAsync()) is not [.., LifetimeEndedEntry])
        {
            Assert.True(DateTime.UtcNow < deadline, $"the lifetime stopped at record {records.Count}");
            await Task.Delay(50);
        }

        Assert.Equal(ExecutionPhase.Completed, ((LifetimeEndedEntry)records[^1]).Phase);
        var asks = records.OfType<ExecutionEntry>().Where(e => e.NodeName == "ask").ToList();
        Assert.Equal([(ExecutionPhase.Lost, 1, 100L), (ExecutionPhase.Completed, 2, 100L)], asks.Select(e => (e.Phase, e.Attempt, e.Telemetry.TokensUsed)));
        Assert.Single(asks.Select(e => e.ExecutionId).Distinct());
        Assert.True(JournalReplay.Replay(records).Identical);

        // Once the confirmations are flushed, the ledger keeps nothing unconfirmed and counts what the journal holds.
        var guardrail = _cluster.Client.GetGrain<IGuardrailGrain>("acme");
        while ((await guardrail.GetUnrecordedAsync(id)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the ledger still keeps unconfirmed charges of the lifetime");
            await Task.Delay(50);
        }

        var ledger = TenantLedger.Restore((await guardrail.GetLedgerAsync()).State, "acme", DateTimeOffset.UtcNow);
        Assert.Equal(records.OfType<ExecutionEntry>().Sum(e => e.Telemetry.TokensUsed), (long)ledger.AllTime.Sum(0));
        Assert.Equal(0, ledger.UnrecordedCount);
    }

    [Fact]
    public async Task AnotherActivationsUnrecordedCharges_AreRecordedLostBeforeTheEnd_AndAStaleOneIsOnlyDropped()
    {
        var graph = GraphReader.Parse("""
            graph: lost-elsewhere
            version: 1.0.0
            nodes:
              - { name: ask,  kind: task, type: spend, config: { tokens: 100 } }
              - { name: next, kind: plan, type: all }
              - { name: wait, kind: task, type: sleep, config: { ms: 600 } }
              - { name: done, kind: plan, type: all }
            edges:
              - { from: ask, to: next }
              - { from: next, to: wait }
              - { from: wait, to: done }
              - { from: done, to: end, kind: final }
            """, "lost-elsewhere.yaml").CanonicalJson;
        var id = Guid.NewGuid().ToString("N");
        await _cluster.Client.GetGrain<IAgentLifetimeGrain>(id).StartAsync(new StartLifetimeCommand(graph, "acme", null, null));
        ExecutionEntry? ask = null;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (ask is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the ask was never recorded");
            await Task.Delay(20);
            ask = (await _journal.ReadAsync(id, 1, default).ToListAsync()).OfType<ExecutionEntry>().FirstOrDefault(e => e.NodeName == "ask");
        }

        // As a duplicate activation (dropped during a membership change) leaves them in the ledger: attempt 2 of the
        // ask, charged and never recorded, and attempt 1's charge whose confirmation never came (its record did).
        var elsewhere = new TenantLedger("acme");
        var spent = new ExecutionTelemetry(100, 0, 0, 5);
        elsewhere.Charge(new UsageSample("ask", "spend", 2, 0, spent), DateTimeOffset.UtcNow);
        elsewhere.AddUnrecorded(new UnrecordedCharge(id, ask.ExecutionId, 2, spent));
        elsewhere.AddUnrecorded(new UnrecordedCharge(id, ask.ExecutionId, 1, spent));
        var guardrail = _cluster.Client.GetGrain<IGuardrailGrain>("acme");
        await guardrail.ChargeAsync(new TenantUsageDelta(elsewhere.Charges, elsewhere.Capture(DateTimeOffset.UtcNow)));

        List<JournalEntry> records;
        while ((records = await _journal.ReadAsync(id, 1, default).ToListAsync()) is not [.., LifetimeEndedEntry])
        {
            Assert.True(DateTime.UtcNow < deadline, $"the lifetime stopped at record {records.Count}");
            await Task.Delay(50);
        }

        var asks = records.OfType<ExecutionEntry>().Where(e => e.NodeName == "ask").Select(e => (e.Phase, e.Attempt, e.Telemetry.TokensUsed));
        Assert.Equal([(ExecutionPhase.Completed, 1, 100L), (ExecutionPhase.Lost, 2, 100L)], asks);
        Assert.Equal(ExecutionPhase.Completed, ((LifetimeEndedEntry)records[^1]).Phase);
        Assert.True(JournalReplay.Replay(records).Identical);
        while ((await guardrail.GetUnrecordedAsync(id)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the ledger still keeps unconfirmed charges of the lifetime");
            await Task.Delay(50);
        }

        var ledger = TenantLedger.Restore((await guardrail.GetLedgerAsync()).State, "acme", DateTimeOffset.UtcNow);
        var journals = 0L;
        foreach (var lifetime in await _journal.ListLifetimesAsync(null, 1000, default))
        {
            journals += (await _journal.ReadAsync(lifetime.LifetimeId, 1, default).ToListAsync()).OfType<ExecutionEntry>().Sum(e => e.Telemetry.TokensUsed);
        }

        Assert.Equal(journals, (long)ledger.AllTime.Sum(0));
    }
}
