using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Testing;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Lifetimes;

public sealed class ReplayForkRecoveryTests
{
    private static AgentGraph CodingAgent() =>
        GraphReader.Parse(File.ReadAllText(RepoPaths.Sample("coding-agent")), "graph.yaml");

    private static readonly Payload AgentInput = Payload.FromJson("""{"user":"ada","request":"add a --verbose flag"}""");

    [Fact]
    public async Task Replay_OfTheCodingAgent_RebuildsTheLiveStateAndEveryRoutingDecision()
    {
        await using var t = await TestRuntime.StartAsync();
        var (outcome, journal) = await t.RunAsync(CodingAgent(), new StartLifetimeOptions { Input = AgentInput });
        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);

        var report = await t.Runtime.ReplayAsync(outcome.LifetimeId);

        Assert.True(report.Identical, report.Divergence?.Message);
        Assert.Equal((outcome.Phase, outcome.Executions, outcome.Iterations), (report.Phase, report.Executions, report.Iterations));
        Assert.Equal(outcome.Result!.ToString(), report.Result!.ToString());
        // Every execution the live run recorded is exactly one the replay decided: same id, node, attempt, iteration, edge, parents.
        // (Records of parallel branches arrive in any order; decisions are compared by execution ordinal.)
        var live = journal.OfType<ExecutionEntry>().Select(e => (e.ExecutionId, e.NodeName, e.Attempt, e.Iteration, e.EdgeTaken, string.Join(",", e.ParentIds))).OrderBy(d => d.ExecutionId.Length).ThenBy(d => d.ExecutionId, StringComparer.Ordinal).ToList();
        var replayed = report.Decisions.Select(d => (d.ExecutionId, d.NodeName, d.Attempt, d.Iteration, d.EdgeTaken, string.Join(",", d.ParentIds))).OrderBy(d => d.ExecutionId.Length).ThenBy(d => d.ExecutionId, StringComparer.Ordinal).ToList();
        Assert.Equal(live, replayed);
        Assert.Contains(journal, e => e is ExecutionEntry { EdgeTaken: var edge } && edge.StartsWith("join->", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replay_ReportsTheFirstRecordThatRoutesDifferently_WithBothDecisions()
    {
        await using var t = await TestRuntime.StartAsync();
        var (outcome, journal) = await t.RunAsync(CodingAgent(), new StartLifetimeOptions { Input = AgentInput });

        // Tamper: the journal now claims the 4th execution ran a different node than the records before it decided.
        var victim = journal.OfType<ExecutionEntry>().ElementAt(3);
        var tampered = journal.Select(e => e == victim ? Renamed(victim, "deploy") : e).ToList();
        var report = JournalReplay.Replay(tampered);

        Assert.False(report.Identical);
        Assert.Equal(victim.Sequence, report.Divergence!.Sequence);
        Assert.Equal($"lifetime {outcome.LifetimeId}, record {victim.Sequence}: execution {victim.ExecutionId}: the records before it dispatch {victim.NodeName} attempt 1, but the journal records deploy attempt 1", report.Divergence.Message);
    }

    [Fact]
    public async Task Replay_RefusesASecondRecordFinishingAnExecution()
    {
        await using var t = await TestRuntime.StartAsync();
        var (outcome, journal) = await t.RunAsync(CodingAgent(), new StartLifetimeOptions { Input = AgentInput });

        // Execution ids are unique in the journal: a copy of a finished execution's record, appended after it, is refused.
        var victim = journal.OfType<ExecutionEntry>().ElementAt(2);
        var tampered = journal.TakeWhile(e => e.Sequence <= victim.Sequence).Append(victim.Copy(sequence: victim.Sequence + 1)).ToList();
        var report = JournalReplay.Replay(tampered);

        Assert.False(report.Identical);
        Assert.Equal(victim.Sequence + 1, report.Divergence!.Sequence);
        Assert.Equal($"lifetime {outcome.LifetimeId}, record {victim.Sequence + 1}: execution {victim.ExecutionId} ({victim.NodeName}) is already finished by an earlier record: an execution is recorded as finished once", report.Divergence.Message);
    }

    [Fact]
    public async Task Fork_SharesThePrefix_ContinuesLive_AndLeavesTheParentUntouched()
    {
        await using var t = await TestRuntime.StartAsync();
        var (parent, parentJournal) = await t.RunAsync(CodingAgent(), new StartLifetimeOptions { Input = AgentInput });
        var from = parentJournal.Count / 2;

        var fork = await t.Runtime.ForkAsync(parent.LifetimeId, from);
        var forked = await fork.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionPhase.Completed, forked.Phase);
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(parent.Result!.ToJsonNode(), forked.Result!.ToJsonNode()), $"{parent.Result} vs {forked.Result}");
        var forkJournal = await t.Runtime.Journal.ReadAsync(fork.LifetimeId, 1, default).ToListAsync();
        var start = Assert.IsType<LifetimeStartedEntry>(forkJournal[0]);
        Assert.Equal((parent.LifetimeId, (long)from), (start.ForkOf, start.ForkSequence));
        // The shared prefix: the same nodes in the same order, under the fork's own execution ids.
        Assert.Equal(
            parentJournal.Take(from).OfType<ExecutionEntry>().Select(e => (e.NodeName, e.ExecutionId[parent.LifetimeId.Length..])),
            forkJournal.Take(from).OfType<ExecutionEntry>().Select(e => (e.NodeName, e.ExecutionId[fork.LifetimeId.Length..])));
        Assert.All(forkJournal.OfType<ExecutionEntry>(), e => Assert.StartsWith(fork.LifetimeId + ".", e.ExecutionId, StringComparison.Ordinal));
        Assert.Equal(parentJournal.Count, (await t.Runtime.Journal.ReadAsync(parent.LifetimeId, 1, default).ToListAsync()).Count);
        Assert.True((await t.Runtime.ReplayAsync(fork.LifetimeId)).Identical);

        var end = await Assert.ThrowsAsync<ArgumentException>(() => t.Runtime.ForkAsync(parent.LifetimeId, parentJournal.Count));
        Assert.Contains($"record {parentJournal.Count} of lifetime {parent.LifetimeId} is its end; fork from an earlier record", end.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recovery_RunsDispatchedButUnrecordedExecutionsAgain_AsTheNextAttempt_WithTheSameIdempotencyKey()
    {
        var store = new InMemoryJournalStore();
        var graph = new GraphBuilder("recover")
            .Task("a", "tag").Plan("fan", "all").Task("left", "gate").Task("right", "gate").Plan("join", "all").Task("z", "tag")
            .Edge("a", "fan").Parallel("fan", "left", "right").Join("left", "join").Join("right", "join").Edge("join", "z").Final("z")
            .Build();
        var ids = new List<string>();
        var first = await TestRuntime.StartAsync(store);
        for (var i = 0; i < 20; i++)
        {
            ids.Add(first.Runtime.Start(graph).LifetimeId);
        }

        // Both branches of every lifetime are running (dispatched, unrecorded) when this "process" is abandoned.
        await TestRuntime.Until(() => first.Gate.Waiting == 40, "both branches of every lifetime run");
        var lost = first.Gate.Runs.ToDictionary(r => r.ExecutionId, r => r.IdempotencyKey);

        await using var second = await TestRuntime.StartAsync(store);
        second.Gate.Open();
        var handles = await second.Runtime.RecoverAsync();
        Assert.Equal(ids.Order(), handles.Select(h => h.LifetimeId).Order());
        var outcomes = await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(outcomes, o => Assert.Equal(ExecutionPhase.Completed, o.Phase));
        Assert.Equal(40, second.Gate.Runs.Count);
        Assert.All(second.Gate.Runs, r => Assert.Equal((2, lost[r.ExecutionId]), (r.Attempt, r.IdempotencyKey)));
        foreach (var id in ids)
        {
            var journal = await store.ReadAsync(id, 1, default).ToListAsync();
            Assert.Equal(Enumerable.Range(1, journal.Count).Select(n => (long)n), journal.Select(e => e.Sequence));
            var done = journal.OfType<ExecutionEntry>().Where(e => e.Phase == ExecutionPhase.Completed).Select(e => e.ExecutionId).ToList();
            Assert.Equal(done.Count, done.Distinct().Count());
            Assert.True(JournalReplay.Replay(journal).Identical);
        }

        first.Gate.Open(); // the abandoned runtime's nodes now finish; nothing of theirs may reach the journal
        await first.DisposeAsync();
        Assert.All(ids, id => Assert.IsType<LifetimeEndedEntry>(store.ReadAsync(id, 1, default).ToListAsync().AsTask().Result[^1]));
    }

    private static ExecutionEntry Renamed(ExecutionEntry e, string node) => e.Copy(nodeName: node);
}
