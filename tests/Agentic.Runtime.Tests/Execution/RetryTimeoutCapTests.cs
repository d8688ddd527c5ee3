using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Lifetimes;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Execution;

public class RetryTimeoutCapTests
{
    private static AgentGraph Flaky(int failures, int attempts) => new GraphBuilder("flaky")
        .Task("flaky", "fail", o => o.Config(new { times = failures, message = "upstream 503" }).Retry(attempts, TimeSpan.FromMilliseconds(2)))
        .Plan("p", "all")
        .Edge("flaky", "p").Final("p")
        .Build();

    [Fact]
    public async Task Retries_RecordEveryAttempt_WithOneIdempotencyKey_ThenSucceed()
    {
        await using var t = await TestRuntime.StartAsync();
        var (outcome, journal) = await t.RunAsync(Flaky(failures: 2, attempts: 3));

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        var attempts = journal.OfType<ExecutionEntry>().Where(e => e.NodeName == "flaky").ToList();
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Attempt));
        Assert.Equal([ExecutionPhase.Failed, ExecutionPhase.Failed, ExecutionPhase.Completed], attempts.Select(a => a.Phase));
        Assert.Single(attempts.Select(a => a.IdempotencyKey).Distinct());
        Assert.Equal(3, attempts.Select(a => a.ExecutionId).Distinct().Count());
        Assert.Equal("InvalidOperationException: upstream 503 (attempt 1 of the first 2 that fail)", attempts[0].Error);
    }

    [Fact]
    public async Task ExhaustedRetries_FailTheLifetimeWithTheCause()
    {
        await using var t = await TestRuntime.StartAsync();
        var (outcome, journal) = await t.RunAsync(Flaky(failures: 5, attempts: 2));

        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.Equal("task 'flaky' failed after 2 attempt(s): InvalidOperationException: upstream 503 (attempt 2 of the first 5 that fail)", outcome.Reason);
        var ended = Assert.IsType<LifetimeEndedEntry>(journal[^1]);
        Assert.Equal(journal.OfType<ExecutionEntry>().Last().ExecutionId, ended.CauseExecutionId);
    }

    [Fact]
    public void Backoff_IsExponentialCappedAndJittered()
    {
        var policy = RetryPolicy.Create(10, TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromMilliseconds(50), policy.DelayBefore(2, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(100), policy.DelayBefore(2, 1));
        Assert.Equal(TimeSpan.FromMilliseconds(100), policy.DelayBefore(3, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(200), policy.DelayBefore(3, 1));
        Assert.Equal(TimeSpan.FromMilliseconds(400), policy.DelayBefore(4, 1));
        Assert.Equal(TimeSpan.FromSeconds(30), policy.DelayBefore(30, 1));
        Assert.Equal(TimeSpan.Zero, RetryPolicy.None.DelayBefore(2, 1));
    }

    [Fact]
    public async Task Timeout_CancelsTheTasksToken_AndCountsAsAFailedAttempt()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("slow")
            .Task("slow", "tag", o => o.Config(new { ms = 60_000 }).Timeout(TimeSpan.FromMilliseconds(50)).Retry(2, TimeSpan.FromMilliseconds(1)))
            .Plan("p", "all").Edge("slow", "p").Final("p")
            .Build();

        var (outcome, journal) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.Equal("task 'slow' failed after 2 attempt(s): timed out after 50 ms", outcome.Reason);
        Assert.Equal(2, journal.OfType<ExecutionEntry>().Count(e => e.Error == "timed out after 50 ms"));
        await EdgeSemanticsTests.WaitUntil(() => t.Tags.Cancelled.Count(n => n == "slow") == 2);
    }

    [Fact]
    public async Task SleepWithinItsTimeout_Completes()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = new GraphBuilder("ok").Task("nap", "sleep", o => o.Config(new { ms = 5 }).Timeout(TimeSpan.FromSeconds(10))).Plan("p", "all").Edge("nap", "p").Final("p").Build();
        var (outcome, _) = await t.RunAsync(graph, new StartLifetimeOptions { Input = Payload.FromJson("""{"x":1}""") });
        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.Equal("""{"x":1}""", outcome.Result!.ToJsonString());
    }

    private static AgentGraph Forever(int? cap) =>
        (cap is null ? new GraphBuilder("forever") : new GraphBuilder("forever-capped").IterationCap(cap.Value))
            .Task("a", "counter").Plan("p", "all").Edge("a", "p").Edge("p", "a").Build();

    [Fact]
    public async Task IterationCap_StopsARunawayLoopWithAClearReason()
    {
        await using var t = await TestRuntime.StartAsync();
        var (outcome, _) = await t.RunAsync(Forever(5));

        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.Equal("iteration cap of 5 reached: plan 'p' chose a for iteration 6 (raise iteration_cap in the graph or per run if the loop is intended)", outcome.Reason);
        Assert.Equal(5, outcome.Iterations);
        Assert.Equal(10, outcome.Executions);
    }

    [Fact]
    public async Task IterationCap_DefaultsTo100_AndCanBeSetPerRun()
    {
        await using var t = await TestRuntime.StartAsync();
        var (byDefault, _) = await t.RunAsync(Forever(null));
        Assert.Equal(100, byDefault.Iterations);

        var (perRun, _) = await t.RunAsync(Forever(5), new StartLifetimeOptions { IterationCap = 3 });
        Assert.StartsWith("iteration cap of 3 reached", perRun.Reason, StringComparison.Ordinal);
    }
}
