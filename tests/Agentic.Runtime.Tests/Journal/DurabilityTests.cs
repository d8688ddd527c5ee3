using System.Collections.Concurrent;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Nodes;
using Agentic.Runtime.Tests.Nodes;
using Microsoft.Extensions.DependencyInjection;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Journal;

public class DurabilityTests
{
    /// <summary>A store that takes its time to commit and remembers which executions are durable.</summary>
    private sealed class SlowStore : DelegatingJournalStore
    {
        public ConcurrentDictionary<string, bool> Durable { get; } = new();

        public int Batches;

        public override string Profile => "slow";

        public override async ValueTask AppendAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
        {
            await Task.Delay(2, cancellationToken);
            await Inner.AppendAsync(batch, cancellationToken);
            Interlocked.Increment(ref Batches);
            foreach (var e in batch.OfType<ExecutionEntry>())
            {
                Durable[e.ExecutionId] = true;
            }
        }
    }

    /// <summary>Records, when it runs, whether every parent execution's record was already durable.</summary>
    private sealed class ParentCheckTask(SlowStore store) : ITaskHandler
    {
        public ConcurrentBag<(string Execution, bool ParentsDurable)> Seen { get; } = [];

        public ValueTask<Payload> ExecuteAsync(TaskContext context)
        {
            Seen.Add((context.ExecutionId, context.Request.ParentIds.All(store.Durable.ContainsKey)));
            var count = context.Input.Json.TryGetProperty("count", out var c) ? c.GetInt32() : 0;
            return ValueTask.FromResult(Payload.FromJson($$"""{"count":{{count + 1}}}"""));
        }
    }

    [Fact]
    public async Task NoStepIsDispatchedBeforeTheRecordItDependsOnIsDurable_AndCommitsAreGrouped()
    {
        var store = new SlowStore();
        var check = new ParentCheckTask(store);
        await using var t = await TestRuntime.StartAsync(store, nodes: b => b.Services.AddSingleton(check).AddSingleton(new NodeRegistration("check", NodeKind.Task, typeof(ParentCheckTask), "")));
        var graph = new GraphBuilder("durable")
            .Task("check", "check")
            .Plan("loop", "route", o => o.Config(new { rules = new[] { new { when = "result.count >= 5", to = new[] { "end" } } }, otherwise = new[] { "check" } }))
            .Edge("check", "loop").Edge("loop", "check").Final("loop")
            .Build();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => t.Runtime.RunAsync(graph)));

        Assert.All(outcomes, o => Assert.Equal(ExecutionPhase.Completed, o.Phase));
        Assert.Equal(50 * 5, check.Seen.Count);
        Assert.All(check.Seen, s => Assert.True(s.ParentsDurable, $"{s.Execution} ran before its parent's record was durable"));
        // 50 lifetimes × 12 records went through far fewer transactions than records.
        Assert.True(store.Batches < 50 * 12 / 2, $"expected group commit, got {store.Batches} transactions for {50 * 12} records");
    }

    [Fact]
    public async Task ManyConcurrentLifetimes_AllCompleteWithGaplessJournalsAndUniqueExecutionIds()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("loop")
            .Task("work", "counter")
            .Plan("decide", "route", o => o.Config(new { rules = new[] { new { when = "result.count >= 10", to = new[] { "end" } } }, otherwise = new[] { "work" } }))
            .Edge("work", "decide").Edge("decide", "work").Final("decide")
            .Build();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => t.Runtime.RunAsync(graph)));

        var ids = new HashSet<string>();
        foreach (var o in outcomes)
        {
            Assert.Equal(ExecutionPhase.Completed, o.Phase);
            Assert.Equal(10, o.Result!.Json.GetProperty("count").GetInt32());
            var journal = await t.Runtime.Journal.ReadAsync(o.LifetimeId, 1, default).ToListAsync();
            Assert.Equal(Enumerable.Range(1, 22).Select(i => (long)i), journal.Select(r => r.Sequence));
            Assert.All(journal.OfType<ExecutionEntry>(), e => Assert.True(ids.Add(e.ExecutionId)));
        }
    }

    [Fact]
    public async Task InMemoryStore_RefusesGapsAndRewrites_AndKeepsNothingOfARefusedBatch()
    {
        var store = new InMemoryJournalStore();
        var start = TestRecords.Started("L", 1);
        await store.AppendAsync([start], default);
        var gap = await Assert.ThrowsAsync<JournalAppendException>(() => store.AppendAsync([TestRecords.Started("L2", 1), TestRecords.Started("L", 3)], default).AsTask());
        Assert.Equal("lifetime L: record 3 refused, the journal's last record is 1 (records must be gapless and never rewritten)", gap.Message);
        Assert.Empty(await store.ReadAsync("L2", 1, default).ToListAsync());
        Assert.Throws<JournalAppendException>(() => store.Append(TestRecords.Started("L", 1)));
    }

    [Fact]
    public async Task InvalidGraph_IsRefusedBeforeAnythingIsStored()
    {
        var store = new InMemoryJournalStore();
        await using var t = await TestRuntime.StartAsync(store);
        var graph = new GraphBuilder("bad").Task("a", "no-such-type").Build();
        var ex = Assert.Throws<Core.Validation.GraphValidationException>(() => t.Runtime.Start(graph));
        Assert.Contains("task 'a' has unknown type 'no-such-type'; registered task types: ask, counter, echo, fail, gate, human, llm, queue, sleep, spend, tag", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, store.LifetimeCount);
    }

    [Fact]
    public async Task ConcurrencyLimitPerNodeType_IsNeverExceeded()
    {
        await using var t = await TestRuntime.StartAsync(configure: o => o.Workers.ConcurrencyLimits["tag"] = 2);
        var graph = new GraphBuilder("limited")
            .Task("s", "echo").Plan("fan", "all")
            .Task("t1", "tag", o => o.Config(new { ms = 30 })).Task("t2", "tag", o => o.Config(new { ms = 30 })).Task("t3", "tag", o => o.Config(new { ms = 30 }))
            .Task("t4", "tag", o => o.Config(new { ms = 30 })).Task("t5", "tag", o => o.Config(new { ms = 30 })).Task("t6", "tag", o => o.Config(new { ms = 30 }))
            .Plan("gather", "all")
            .Edge("s", "fan").Parallel("fan", "t1", "t2", "t3", "t4", "t5", "t6")
            .Join("t1", "gather").Join("t2", "gather").Join("t3", "gather").Join("t4", "gather").Join("t5", "gather").Join("t6", "gather")
            .Final("gather")
            .Build();

        var (outcome, _) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.Equal(6, outcome.Result!.Json.GetArrayLength());
        Assert.Equal(2, t.Tags.MaxConcurrent);
    }

    [Fact]
    public async Task NodeIgnoringCancellation_IsAbandonedAfterTheGracePeriod()
    {
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddTask<StubbornTask>("stubborn"));
        var graph = new GraphBuilder("stuck")
            .Task("stuck", "stubborn", o => o.Config(new { ms = 30_000 }).Timeout(TimeSpan.FromMilliseconds(20)))
            .Plan("p", "all").Edge("stuck", "p").Final("p").Build();

        var (outcome, _) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.Equal("task 'stuck' failed after 1 attempt(s): timed out after 20 ms (the node ignored cancellation for 2 s more and was abandoned)", outcome.Reason);
    }
}
