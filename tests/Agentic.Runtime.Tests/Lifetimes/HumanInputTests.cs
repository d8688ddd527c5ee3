using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Lifetimes;

public sealed class HumanInputTests
{
    // ask (waits for input) -> p -> after -> end
    private static AgentGraph Approval(string askType = "ask") => new GraphBuilder("approval-" + askType)
        .Task("ask", askType, o => o.Config(new { prompt = "ship it?" })).Plan("p", "all").Task("after", "tag")
        .Edge("ask", "p").Edge("p", "after").Final("after")
        .Build();

    [Fact]
    public async Task WaitingExecution_IsCompletedExactlyOnceByInput_AndItsBodyNeverRunsAgain()
    {
        await using var t = await TestRuntime.StartAsync();
        var handle = t.Runtime.Start(Approval(), new StartLifetimeOptions { Input = Payload.FromJson("""{"pr":7}""") });

        var waiting = await t.Runtime.WhenSettledAsync(handle.LifetimeId);
        Assert.Equal(ExecutionPhase.Waiting, waiting.Phase);
        var ask = Assert.Single(waiting.Awaiting);
        Assert.Equal(("ask", ExecutionPhase.Waiting), (ask.NodeName, ask.Phase));
        Assert.Equal("""{"prompt":"approve ask?","details":{"pr":7}}""", ask.Prompt!.ToString());

        await t.Runtime.ProvideInputAsync(handle.LifetimeId, ask.ExecutionId, Payload.FromJson("""{"approved":true}"""), "alice");
        var outcome = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.Equal("""{"approved":true,"node":"after"}""", outcome.Result!.ToString());
        Assert.Equal(1, t.Ask.Bodies);
        var journal = await t.Runtime.Journal.ReadAsync(handle.LifetimeId, 1, default).ToListAsync();
        var records = journal.OfType<ExecutionEntry>().Where(e => e.ExecutionId == ask.ExecutionId).ToList();
        Assert.Equal([ExecutionPhase.Waiting, ExecutionPhase.Completed], records.Select(r => r.Phase));
        Assert.Equal("alice", records[1].ProvidedBy);

        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => t.Runtime.ProvideInputAsync(handle.LifetimeId, ask.ExecutionId, Payload.EmptyObject, "bob"));
        Assert.Equal($"cannot provide input to lifetime {handle.LifetimeId}: it is completed", again.Message);
    }

    [Fact]
    public async Task Input_ForAnExecutionThatIsNotWaiting_IsRefused_WithTheReason()
    {
        await using var t = await TestRuntime.StartAsync();
        var handle = t.Runtime.Start(Approval());
        var ask = Assert.Single((await t.Runtime.WhenSettledAsync(handle.LifetimeId)).Awaiting);

        var wrongId = await Assert.ThrowsAsync<InvalidOperationException>(() => t.Runtime.ProvideInputAsync(handle.LifetimeId, handle.LifetimeId + ".99", Payload.EmptyObject, "bob"));
        Assert.Equal($"cannot provide input to execution {handle.LifetimeId}.99: it is not awaited by lifetime {handle.LifetimeId} (already completed, or never dispatched)", wrongId.Message);

        // Two inputs at once (calls to a grain may be served in either order): exactly one completes the execution.
        var inputs = new[] { ("alice", 1), ("bob", 2) }.Select(i => (i.Item2, Call: t.Runtime.ProvideInputAsync(handle.LifetimeId, ask.ExecutionId, Payload.FromJson($$"""{"n":{{i.Item2}}}"""), i.Item1))).ToList();
        await Task.WhenAll(inputs.Select(i => i.Call)).ContinueWith(_ => { }, TaskScheduler.Default);
        var won = Assert.Single(inputs, i => i.Call.IsCompletedSuccessfully);
        var lost = Assert.Single(inputs, i => i.Call.IsFaulted);
        var twice = Assert.IsType<InvalidOperationException>(lost.Call.Exception!.InnerException);
        // Refused: the execution has its input (or, once the winner's input moved the lifetime on, is no longer awaited).
        Assert.StartsWith("cannot provide input to ", twice.Message, StringComparison.Ordinal);
        Assert.Contains(ask.ExecutionId.Split('.')[0], twice.Message, StringComparison.Ordinal);
        Assert.Equal($$"""{"n":{{won.Item1}},"node":"after"}""", (await handle.Completion).Result!.ToString());
    }

    [Fact]
    public async Task BuiltInHuman_WaitsAcrossARestart_AndCompletesInTheNewProcess()
    {
        var store = new InMemoryJournalStore();
        string id, executionId;
        await using (var first = await TestRuntime.StartAsync(store))
        {
            var handle = first.Runtime.Start(Approval("human"));
            id = handle.LifetimeId;
            var view = await first.Runtime.WhenSettledAsync(id);
            executionId = Assert.Single(view.Awaiting).ExecutionId;
            Assert.Equal("""{"prompt":"ship it?","details":{}}""", view.Awaiting[0].Prompt!.ToString());
        }

        await using var second = await TestRuntime.StartAsync(store);
        await second.Runtime.RecoverAsync();
        Assert.Equal(ExecutionPhase.Waiting, (await second.Runtime.WhenSettledAsync(id)).Phase);
        await second.Runtime.ProvideInputAsync(id, executionId, Payload.FromJson("""{"ok":1}"""), "carol");
        var outcome = await second.Runtime.WaitForOutcomeAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        var journal = await store.ReadAsync(id, 1, default).ToListAsync();
        Assert.Single(journal.OfType<ExecutionEntry>(), e => e.NodeName == "ask" && e.Phase == ExecutionPhase.Waiting);
    }

    [Fact]
    public async Task TenThousandWaitingLifetimes_HoldNoThreadWorkerOrActivation()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = Approval();
        var handles = Enumerable.Range(0, 10_000).Select(_ => t.Runtime.Start(graph)).ToList();
        var views = await Task.WhenAll(handles.Select(h => t.Runtime.WhenSettledAsync(h.LifetimeId)));
        Assert.All(views, v => Assert.Equal(ExecutionPhase.Waiting, v.Phase));

        // Parked lifetimes passivate: no activation, no running execution, and the thread pool did not grow per waiter.
        await TestRuntime.UntilAsync(async () => await t.Runtime.LiveLifetimesAsync() == 0, "every waiting lifetime is deactivated");
        Assert.Equal(0, t.Runtime.RunningExecutions);
        Assert.True(ThreadPool.ThreadCount < 100, $"thread pool has {ThreadPool.ThreadCount} threads while 10,000 lifetimes wait");

        await Task.WhenAll(views.Select(v => t.Runtime.ProvideInputAsync(v.LifetimeId, v.Awaiting[0].ExecutionId, Payload.EmptyObject, "batch")));
        var outcomes = await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(outcomes, o => Assert.Equal(ExecutionPhase.Completed, o.Phase));
        Assert.Equal(10_000, t.Ask.Bodies);
    }
}
