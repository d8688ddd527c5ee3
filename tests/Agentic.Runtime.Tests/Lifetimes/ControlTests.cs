using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Journal;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Lifetimes;

public sealed class ControlTests
{
    // gate -> p -> after -> end: "gate" blocks until the test opens it.
    private static AgentGraph Gated(string name = "gated") => new GraphBuilder(name)
        .Task("gate", "gate").Plan("p", "all").Task("after", "tag")
        .Edge("gate", "p").Edge("p", "after").Final("after")
        .Build();

    private static async Task<List<JournalEntry>> Journal(TestRuntime t, string id) =>
        await t.Runtime.Journal.ReadAsync(id, 1, default).ToListAsync();

    [Fact]
    public async Task Pause_LetsInFlightFinishAndBeRecorded_DispatchesNothingNew_UntilResume()
    {
        await using var t = await TestRuntime.StartAsync();
        var handle = t.Runtime.Start(Gated());
        await TestRuntime.Until(() => t.Gate.Waiting == 1, "the gate task runs");

        var paused = await t.Runtime.PauseAsync(handle.LifetimeId, "alice", "look at it");
        Assert.Equal(ExecutionPhase.Paused, paused.Phase);

        t.Gate.Open();
        var settled = await t.Runtime.WhenSettledAsync(handle.LifetimeId);
        Assert.Equal(ExecutionPhase.Paused, settled.Phase);
        var journal = await Journal(t, handle.LifetimeId);
        var control = Assert.IsType<ControlEntry>(journal[1]);
        Assert.Equal((LifetimeControl.Pause, "alice", "look at it"), (control.Action, control.Actor, control.Reason));
        var gate = Assert.IsType<ExecutionEntry>(journal[2]);
        Assert.Equal(("gate", ExecutionPhase.Completed), (gate.NodeName, gate.Phase));
        Assert.Equal(3, journal.Count); // the plan p was decided but held back: no record of it
        Assert.Single(settled.Awaiting, a => a.NodeName == "p");

        var resumed = await t.Runtime.ResumeAsync(handle.LifetimeId, "bob");
        Assert.Equal(ExecutionPhase.Running, resumed.Phase);
        var outcome = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        journal = await Journal(t, handle.LifetimeId);
        Assert.Equal(LifetimeControl.Resume, Assert.IsType<ControlEntry>(journal[3]).Action);
        Assert.Equal(["gate", "p", "after"], journal.OfType<ExecutionEntry>().Select(e => e.NodeName));
    }

    [Fact]
    public async Task Abort_CancelsInFlightTasks_RecordsThemCancelled_AndEndsAborted()
    {
        await using var t = await TestRuntime.StartAsync();
        var handle = t.Runtime.Start(Gated());
        await TestRuntime.Until(() => t.Gate.Waiting == 1, "the gate task runs");

        await t.Runtime.AbortAsync(handle.LifetimeId, "alice", "wrong input");
        var outcome = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionPhase.Aborted, outcome.Phase);
        Assert.Equal("aborted by alice: wrong input", outcome.Reason);
        var journal = await Journal(t, handle.LifetimeId);
        Assert.Equal(LifetimeControl.Abort, Assert.IsType<ControlEntry>(journal[1]).Action);
        var cancelled = Assert.IsType<ExecutionEntry>(journal[2]);
        Assert.Equal(("gate", ExecutionPhase.Cancelled), (cancelled.NodeName, cancelled.Phase));
        Assert.Equal(ExecutionPhase.Aborted, Assert.IsType<LifetimeEndedEntry>(journal[3]).Phase);
        await TestRuntime.Until(() => t.Gate.Waiting == 0, "the gate task sees its token cancelled");
    }

    [Fact]
    public async Task InvalidTransitions_AreRefused_NamingTheCurrentPhase_AndRecordNothing()
    {
        await using var t = await TestRuntime.StartAsync();
        var done = await t.Runtime.RunAsync(new GraphBuilder("one").Task("a", "tag").Final("a").Build());
        var id = done.LifetimeId;

        var resume = await Assert.ThrowsAsync<InvalidOperationException>(() => t.Runtime.ResumeAsync(id, "alice"));
        Assert.Equal($"cannot resume lifetime {id}: it is completed", resume.Message);
        Assert.Equal(ExecutionPhase.Completed, (await t.Runtime.InspectAsync(id)).Phase);
        var pauseDone = await Assert.ThrowsAsync<InvalidOperationException>(() => t.Runtime.PauseAsync(id, "alice"));
        Assert.Equal($"cannot pause lifetime {id}: it is completed", pauseDone.Message);

        var running = t.Runtime.Start(Gated());
        await TestRuntime.Until(() => t.Gate.Waiting == 1, "the gate task runs");
        var resumeRunning = await Assert.ThrowsAsync<InvalidOperationException>(() => t.Runtime.ResumeAsync(running.LifetimeId, "alice"));
        Assert.Equal($"cannot resume lifetime {running.LifetimeId}: it is running; only a paused lifetime can be resumed", resumeRunning.Message);

        await t.Runtime.PauseAsync(running.LifetimeId, "alice");
        var pauseTwice = await Assert.ThrowsAsync<InvalidOperationException>(() => t.Runtime.PauseAsync(running.LifetimeId, "alice"));
        Assert.Equal($"cannot pause lifetime {running.LifetimeId}: it is already paused", pauseTwice.Message);

        // Two aborts at once: whichever the grain takes second is judged against the first, even before it is durable.
        var aborts = new[] { "alice", "bob" }.Select(who => t.Runtime.AbortAsync(running.LifetimeId, who)).ToList();
        await Task.WhenAll(aborts).ContinueWith(_ => { }, TaskScheduler.Default);
        Assert.Equal(1, aborts.Count(a => a.IsCompletedSuccessfully));
        var abortTwice = Assert.IsType<InvalidOperationException>(Assert.Single(aborts, a => a.IsFaulted).Exception!.InnerException);
        Assert.Equal($"cannot abort lifetime {running.LifetimeId}: it is aborted", abortTwice.Message);
        Assert.Equal(ExecutionPhase.Aborted, (await running.Completion).Phase);

        var journal = await Journal(t, running.LifetimeId);
        Assert.Equal([LifetimeControl.Pause, LifetimeControl.Abort], journal.OfType<ControlEntry>().Select(c => c.Action));
        Assert.Equal(3, (await Journal(t, id)).Count); // start, a, end: the refusals recorded nothing

        var unknown = await Assert.ThrowsAsync<KeyNotFoundException>(() => t.Runtime.PauseAsync("no-such-lifetime", "alice"));
        Assert.Equal("lifetime no-such-lifetime is not in the journal", unknown.Message);
    }

    [Fact]
    public async Task PausedLifetime_StaysPausedAcrossRestart_AndResumesInTheNewProcess()
    {
        var store = new InMemoryJournalStore();
        string id;
        await using (var first = await TestRuntime.StartAsync(store))
        {
            var handle = first.Runtime.Start(Gated());
            id = handle.LifetimeId;
            await TestRuntime.Until(() => first.Gate.Waiting == 1, "the gate task runs");
            await first.Runtime.PauseAsync(id, "alice");
            first.Gate.Open();
            await first.Runtime.WhenSettledAsync(id);
        }

        await using var second = await TestRuntime.StartAsync(store);
        await second.Runtime.RecoverAsync();
        var view = await second.Runtime.WhenSettledAsync(id);
        Assert.Equal(ExecutionPhase.Paused, view.Phase);
        await second.Runtime.ResumeAsync(id, "bob");
        var outcome = await second.Runtime.WaitForOutcomeAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.Equal(["gate", "p", "after"], (await store.ReadAsync(id, 1, default).ToListAsync()).OfType<ExecutionEntry>().Select(e => e.NodeName));
    }

    [Fact]
    public async Task ChangedGraph_WithTheSameVersion_IsRefused()
    {
        await using var t = await TestRuntime.StartAsync();
        await t.Runtime.RunAsync(new GraphBuilder("pinned").Task("a", "tag").Final("a").Build());
        var changed = new GraphBuilder("pinned").Task("a", "tag", o => o.Config(new { ms = 1 })).Final("a").Build();
        // The graph registry grain refuses it cluster-wide, before anything of the new lifetime is stored.
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => t.Runtime.Start(changed).Completion);
        Assert.StartsWith("graph 'pinned' version 1.0.0 is published with content hash ", ex.Message, StringComparison.Ordinal);
        Assert.EndsWith("Bump the version to publish a changed graph.", ex.Message, StringComparison.Ordinal);
    }
}
