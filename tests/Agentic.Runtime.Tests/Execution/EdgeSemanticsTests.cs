using Agentic.Core.Execution;
using Agentic.Core.Graphs;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Execution;

public class EdgeSemanticsTests
{
    [Fact]
    public async Task ParallelFanOut_JoinRunsOnceWithEveryBranchResultInBranchOrder()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("fan")
            .Task("start", "echo")
            .Plan("fan", "all")
            .Task("b0", "tag", o => o.Config(new { ms = 60 }))
            .Task("b1", "tag")
            .Task("b2", "tag", o => o.Config(new { ms = 20 }))
            .Plan("gather", "all")
            .Edge("start", "fan")
            .Parallel("fan", "b0", "b1", "b2")
            .Join("b0", "gather").Join("b1", "gather").Join("b2", "gather")
            .Final("gather")
            .Build();

        var (outcome, journal) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        // Branches finished in the order b1, b2, b0, but the join sees them in branch order.
        Assert.Equal(["b0", "b1", "b2"], outcome.Result!.Json.EnumerateArray().Select(r => r.GetProperty("node").GetString()));
        var join = Assert.Single(journal.OfType<ExecutionEntry>(), e => e.NodeName == "gather");
        Assert.Equal(3, join.ParentIds.Count);
        var branchIds = journal.OfType<ExecutionEntry>().Where(e => e.NodeName.StartsWith('b')).OrderBy(e => e.NodeName).Select(e => e.ExecutionId);
        Assert.Equal(branchIds, join.ParentIds);
        Assert.True(journal.OfType<ExecutionEntry>().Where(e => e.NodeName.StartsWith('b')).All(e => e.Sequence < join.Sequence));
    }

    [Fact]
    public async Task SlowBranch_NeverDelaysAnUnrelatedBranch()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("slow-fast")
            .Task("start", "echo").Plan("fan", "all")
            .Task("slow", "tag", o => o.Config(new { ms = 1500 }))
            .Task("fast", "counter")
            .Plan("loop", "route", o => o.Config(new { rules = new[] { new { when = "result.count >= 5", to = new[] { "done" } } }, otherwise = new[] { "fast" } }))
            .Task("done", "echo")
            .Plan("gather", "all")
            .Edge("start", "fan").Parallel("fan", "slow", "fast")
            .Edge("fast", "loop").Edge("loop", "fast").Edge("loop", "done")
            .Join("slow", "gather").Join("done", "gather").Final("gather")
            .Build();

        var (outcome, journal) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        var slow = journal.OfType<ExecutionEntry>().Single(e => e.NodeName == "slow");
        var fastSteps = journal.OfType<ExecutionEntry>().Where(e => e.NodeName is "fast" or "loop" or "done").ToList();
        Assert.Equal(11, fastSteps.Count);
        Assert.All(fastSteps, e => Assert.True(e.Sequence < slow.Sequence, $"{e.NodeName} (record {e.Sequence}) waited for the slow branch (record {slow.Sequence})"));
    }

    [Fact]
    public async Task FinalEdge_CompletesAndCancelsBranchesStillRunning_RecordingThemCancelled()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("race")
            .Task("start", "echo").Plan("fan", "all")
            .Task("slow", "tag", o => o.Config(new { ms = 60_000 }))
            .Task("quick", "tag")
            .Plan("finish", "all").Plan("never", "all")
            .Edge("start", "fan").Parallel("fan", "slow", "quick")
            .Edge("quick", "finish").Final("finish")
            .Edge("slow", "never").Final("never")
            .Build();

        var (outcome, journal) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.Equal("quick", outcome.Result!.Json.GetProperty("node").GetString());
        var slow = Assert.Single(journal.OfType<ExecutionEntry>(), e => e.NodeName == "slow");
        Assert.Equal(ExecutionPhase.Cancelled, slow.Phase);
        Assert.Equal("cancelled: lifetime completed", slow.Error);
        Assert.IsType<LifetimeEndedEntry>(journal[^1]);
        Assert.True(slow.Sequence < journal[^1].Sequence);
        await WaitUntil(() => t.Tags.Cancelled.Contains("slow"));
    }

    [Fact]
    public async Task TaskConditions_ChooseAmongOutEdges_AndAConditionalFinalEdgeEnds()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("conditions")
            .Task("count", "counter")
            .Plan("even", "target", o => o.Config(new { to = new[] { "count" } }))
            .Plan("odd", "target", o => o.Config(new { to = new[] { "count" } }))
            .Edge("count", "even", when: "result.count % 2 == 0")
            .Edge("count", "odd", when: "result.count % 2 == 1")
            .Edge("even", "count").Edge("odd", "count")
            .Final("count", when: "result.count >= 5")
            .Build();

        var (outcome, journal) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.Equal(5, outcome.Result!.Json.GetProperty("count").GetInt32());
        Assert.Equal(["count", "odd", "count", "even", "count", "odd", "count", "even", "count"], journal.OfType<ExecutionEntry>().Select(e => e.NodeName));
    }

    [Fact]
    public async Task PlanEdgeCondition_GuardsTheChosenTarget_AndAStalledLifetimeFailsWithAReason()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("guarded")
            .Task("a", "counter")
            .Plan("p", "target", o => o.Config(new { to = new[] { "a" } }))
            .Edge("a", "p").Edge("p", "a", when: "result.count < 3").Final("p", when: "false")
            .Build();

        var (outcome, _) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.StartsWith("stalled: no execution is running and no final edge was taken", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(6, outcome.Executions);
    }

    [Fact]
    public async Task PlanNamingATargetTwice_RunsItOnce()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("twice")
            .Task("start", "echo")
            .Plan("p", "target", o => o.Config(new { to = new[] { "a", "a" } }))
            .Task("a", "tag")
            .Plan("done", "all")
            .Edge("start", "p").Edge("p", "a").Edge("a", "done").Final("done")
            .Build();

        var (outcome, journal) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.Single(journal.OfType<ExecutionEntry>(), e => e.NodeName == "a");
    }

    [Fact]
    public async Task PlanChoosingATargetItHasNoEdgeTo_FailsListingTheAllowedTargets()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("wrong-target")
            .Task("a", "echo")
            .Plan("p", "target", o => o.Config(new { to = new[] { "nowhere" } }))
            .Edge("a", "p").Edge("p", "a").Final("p")
            .Build();

        var (outcome, journal) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.Equal("plan 'p' failed after 1 attempt(s): plan 'p' chose 'nowhere', which is not one of its outgoing edges (allowed: a, end)", outcome.Reason);
        Assert.Equal(ExecutionPhase.Failed, journal.OfType<ExecutionEntry>().Last().Phase);
    }

    [Fact]
    public async Task ConditionThatCannotBeEvaluated_FailsTheLifetimeNamingTheEdge()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("bad-condition")
            .Task("a", "echo", o => o.Config(new { name = "x" }))
            .Plan("p", "all")
            .Edge("a", "p", when: "result.name * 2 > 1").Final("p")
            .Build();

        var (outcome, _) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.Contains("condition of edge a->p could not be evaluated", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("cannot apply '*' to a string and a number", outcome.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("result.count", "gives the number 3")]
    [InlineData("result.name", "gives the string x")]
    public async Task NonBooleanCondition_FailsTheLifetime_InsteadOfCountingAsTrue(string when, string expected)
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("non-boolean")
            .Task("a", "echo", o => o.Config(new { name = "x", count = 3 }))
            .Plan("p", "all")
            .Edge("a", "p", when: when).Final("p")
            .Build();

        var (outcome, _) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.Contains("a condition must give true or false", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains(expected, outcome.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFieldInACondition_CountsAsFalse()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("missing")
            .Task("a", "echo")
            .Plan("never", "all").Plan("always", "all")
            .Edge("a", "never", when: "result.absent").Edge("a", "always").Final("never").Final("always")
            .Build();

        var (outcome, journal) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.DoesNotContain(journal.OfType<ExecutionEntry>(), e => e.NodeName == "never");
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
