using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Tests.Journal;
using Microsoft.Extensions.DependencyInjection;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Lifetimes;

/// <summary>
/// Recovery takes each lifetime on its own: one that cannot be re-activated is reported (and marked failed when it
/// never can be) while every other recovers; lifetimes resume only under the policies and prices they started with;
/// a journal that refuses a write ends the lifetime as failed, never as "pending".
/// </summary>
public sealed class RecoveryIsolationTests
{
    private static readonly AgentGraph Loop = new GraphBuilder("loop")
        .Task("work", "tag").Plan("decide", "all")
        .Edge("work", "decide").Final("decide", "result.n != 0 or result.n == 0")
        .Build();

    [Fact]
    public async Task PoisonedLifetime_IsMarkedFailed_AndEveryOtherLifetimeRecovers()
    {
        var store = new InMemoryJournalStore();
        // A lifetime an older build accepted: its stored graph has a condition of 20,000 'or' terms, which used to
        // pass validation and then overflow the stack when evaluated, so that every recovery crashed.
        var poisonedJson = Loop.CanonicalJson.Replace("result.n != 0 or result.n == 0", string.Join(" or ", Enumerable.Repeat("result.n == 1", 20_000)), StringComparison.Ordinal);
        Assert.NotEqual(Loop.CanonicalJson, poisonedJson);
        var poisoned = TestRecords.Started("POISONED", 1);
        await store.AppendAsync([new LifetimeStartedEntry
        {
            LifetimeId = poisoned.LifetimeId, Sequence = 1, RecordedAt = poisoned.RecordedAt, TenantId = "t",
            GraphName = Loop.Name, GraphVersion = Loop.Version.ToString(), GraphHash = "old-build", GraphJson = poisonedJson,
            Input = Payload.EmptyObject, IterationCap = 10,
        }], default);
        var healthy = new List<string>();
        await using (var first = await TestRuntime.StartAsync(store))
        {
            for (var i = 0; i < 5; i++)
            {
                var id = $"HEALTHY{i}";
                await store.AppendAsync([new LifetimeStartedEntry
                {
                    LifetimeId = id, Sequence = 1, RecordedAt = DateTimeOffset.UnixEpoch, TenantId = "t",
                    GraphName = Loop.Name, GraphVersion = Loop.Version.ToString(), GraphHash = Loop.ContentHash, GraphJson = Loop.CanonicalJson,
                    Input = Payload.EmptyObject, IterationCap = 10,
                }], default);
                healthy.Add(id);
            }
        }

        await using var t = await TestRuntime.StartAsync(store);
        var report = await t.Runtime.RecoverAllAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var failure = Assert.Single(report.NotRecovered);
        Assert.Equal("POISONED", failure.LifetimeId);
        Assert.True(failure.MarkedFailed);
        Assert.Contains("cannot be re-activated", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("the limit is", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(healthy.Order(), report.Recovered.Select(h => h.LifetimeId).Order());
        var outcomes = await Task.WhenAll(report.Recovered.Select(h => h.Completion)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(outcomes, o => Assert.Equal(ExecutionPhase.Completed, o.Phase));

        var end = Assert.IsType<LifetimeEndedEntry>((await store.ReadAsync("POISONED", 1, default).ToListAsync())[^1]);
        Assert.Equal(ExecutionPhase.Failed, end.Phase);
        Assert.Contains("the limit is", end.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("POISONED", await store.ListUnfinishedAsync(default));
    }

    [Fact]
    public async Task Resume_RunsUnderThePoliciesTheLifetimeStartedWith_OrNotAtAll()
    {
        var store = new InMemoryJournalStore();
        var policies = Core.Guardrails.PolicyReader.Read("policies:\n  - { name: cap, scope: lifetime, when: \"max(iteration_idx) >= 2\", action: pause_lifetime }", "p.yaml");
        var graph = new GraphBuilder("capped").Task("work", "tag").Plan("again", "target", o => o.Config(new { to = new[] { "work" } })).Edge("work", "again").Edge("again", "work").Final("again").Build();
        string id;
        await using (var guarded = await TestRuntime.StartAsync(store, nodes: b => b.AddPolicies(policies)))
        {
            id = guarded.Runtime.Start(graph).LifetimeId;
            var paused = await guarded.Runtime.WhenSettledAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(ExecutionPhase.Paused, paused.Phase);
        }

        var start = Assert.IsType<LifetimeStartedEntry>((await store.ReadAsync(id, 1, default).ToListAsync())[0]);
        Assert.Equal($"set:{policies.Version}", start.PolicySource);

        // A runtime without those policies refuses to re-activate it: resuming there would run on unguarded.
        await using (var unguarded = await TestRuntime.StartAsync(store))
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => unguarded.Runtime.ResumeAsync(id, "ops"));
            Assert.Contains(policies.Version, refused.Message, StringComparison.Ordinal);
            var report = await unguarded.Runtime.RecoverAllAsync();
            Assert.Contains(report.NotRecovered, f => f.LifetimeId == id && !f.MarkedFailed);
        }

        Assert.IsNotType<ControlEntry>((await store.ReadAsync(id, 1, default).ToListAsync())[^1]);

        // Under its own policies it resumes and the cap holds again on the next iteration.
        await using var again = await TestRuntime.StartAsync(store, nodes: b => b.AddPolicies(policies));
        await again.Runtime.ResumeAsync(id, "ops");
        var view = await again.Runtime.WhenSettledAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExecutionPhase.Paused, view.Phase);
    }

    [Fact]
    public async Task JournalThatRefusesWrites_RefusesTheStartWithTheReason_NotPending()
    {
        var store = new RefusingStore();
        await using var t = await TestRuntime.StartAsync(store);
        var handle = t.Runtime.Start(Loop);

        // A start is answered once its record is durable: here it never is, and the caller hears why.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => handle.Completion.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("record 1 was not stored: disk full", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await store.ReadAsync(handle.LifetimeId, 1, default).ToListAsync());
        // Nothing of it was recorded, so once its activation is gone the cluster knows no such lifetime.
        await TestRuntime.UntilAsync(async () => await t.Runtime.LiveLifetimesAsync() == 0, "the failed lifetime's activation is gone");
        await Assert.ThrowsAsync<KeyNotFoundException>(() => t.Runtime.InspectAsync(handle.LifetimeId));
    }

    [Fact]
    public async Task SecondActivation_FencedOffByTheStore_StopsDispatching_AndTheLifetimeIsAsTheWinnerLeftIt()
    {
        var store = new InMemoryJournalStore();
        var graph = new GraphBuilder("fenced").Task("a", "gate").Plan("p", "all").Task("b", "tag").Plan("q", "all")
            .Edge("a", "p").Edge("p", "b").Edge("b", "q").Final("q").Build();
        await using var zombie = await TestRuntime.StartAsync(store);
        var zombieHandle = zombie.Runtime.Start(graph);
        var id = zombieHandle.LifetimeId;
        await TestRuntime.Until(() => zombie.Gate.Waiting == 1, "the first activation runs a");

        // A second activation (another process, or Orleans during a membership change) takes the lifetime over.
        await using var winner = await TestRuntime.StartAsync(store);
        winner.Gate.Open();
        var report = await winner.Runtime.RecoverAllAsync();
        var outcome = await Assert.Single(report.Recovered).Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);

        // The first activation's node finishes now: its record is fenced off by the store (the sequence is taken).
        zombie.Gate.Open();
        await TestRuntime.Until(() => zombie.Gate.Waiting == 0, "the first activation's node returns");
        LifetimeView? seen = null;
        await TestRuntime.Until(
            () =>
            {
                try
                {
                    seen = zombie.Runtime.InspectAsync(id).WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
                    return seen.Phase == ExecutionPhase.Completed;
                }
                catch (InvalidOperationException ex) when (ex.Message.Contains("another activation recorded", StringComparison.Ordinal))
                {
                    return false; // superseded, not yet dropped
                }
            },
            "the first activation is dropped and re-reads the journal");

        var journal = await store.ReadAsync(id, 1, default).ToListAsync();
        Assert.Equal(Enumerable.Range(1, journal.Count).Select(n => (long)n), journal.Select(r => r.Sequence));
        var finished = journal.OfType<ExecutionEntry>().Where(e => e.Phase == ExecutionPhase.Completed).Select(e => e.ExecutionId).ToList();
        Assert.Equal(finished.Count, finished.Distinct().Count());
        Assert.Equal(0, zombie.Tags.Runs); // the fenced activation dispatched nothing after a
        // Losing the sequence is not the lifetime failing: it completed, under the other activation.
        var reported = zombieHandle.Completion.IsCompleted ? await zombieHandle.Completion : null;
        Assert.True(reported is null || reported.Phase == ExecutionPhase.Completed, $"the fenced activation reported {reported?.Phase}: {reported?.Reason}");
        Assert.True(JournalReplay.Replay(journal).Identical);
    }

    [Fact]
    public async Task PolicyFileEdits_ThatAreInvalid_NeverThrow_AndKeepTheSetInForce()
    {
        var dir = Directory.CreateTempSubdirectory("agentic-policies-").FullName;
        try
        {
            var file = Path.Combine(dir, "p.yaml");
            await File.WriteAllTextAsync(file, "policies:\n  - { name: cap, scope: lifetime, when: \"count() > 5\", action: pause_lifetime }\n");
            using var source = new PolicyFileSource(file);
            var inForce = source.Current.Version;
            // The watcher reloads on its own thread too (each edit may be refused twice): a concurrent queue, at least once per edit.
            var refusals = new System.Collections.Concurrent.ConcurrentQueue<string>();
            source.ReloadFailed += refusals.Enqueue;
            source.ReloadFailed += _ => throw new InvalidOperationException("a listener that fails");

            string[] edits =
            [
                "policies:\n  - { name: cap, scope: lifetime, when: \"count() > 5\", action: pause_lifetime\n  - { name: b }\n",
                "policies:\n  - { name: w, scope: tenant, window: 99999999999999999d, when: \"count() > 5\", action: abort_lifetime }\n",
                "policies: " + new string('[', 10_000) + new string(']', 10_000) + "\n",
                "policies:\n  - { name: deep, scope: lifetime, when: \"" + new string('(', 50_000) + "1" + new string(')', 50_000) + "\", action: pause_lifetime }\n",
            ];
            foreach (var edit in edits)
            {
                await File.WriteAllTextAsync(file, edit);
                source.Reload();
                Assert.Equal(inForce, source.Current.Version);
                Assert.NotNull(source.LastError);
            }

            Assert.True(refusals.Count >= edits.Length, $"{refusals.Count} refusals reported for {edits.Length} bad edits");
            Assert.All(refusals, r => Assert.Contains("stays in force", r, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed class RefusingStore : DelegatingJournalStore
    {
        public override ValueTask AppendAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken) =>
            throw new JournalAppendException("disk full (simulated)");
    }
}
