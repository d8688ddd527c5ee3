using Agentic.Core.Formats;

namespace Agentic.Orleans.Tests;

/// <summary>A start (and a fork) answers once its record is durable: an id its caller holds survives a crash.</summary>
public sealed class StartDurabilityTests
{
    [Fact]
    public async Task AStart_AnswersOnlyOnceItsStartRecordIsStored()
    {
        await using var store = new AwaitedJournalStore();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeAppend = () => held.Task;
        await using var cluster = await AgenticTestCluster.StartAsync(1, store);
        var graph = GraphReader.Parse(File.ReadAllText(RepoPaths.Sample("approval")), "approval.yaml");

        var start = cluster.Client.StartLifetimeAsync(graph, tenantId: "acme");
        bool answeredEarly;
        try
        {
            await Task.Delay(500);
            answeredEarly = start.IsCompleted;
        }
        finally
        {
            // Released whatever the outcome: a silo stops only once its journal is flushed.
            store.BeforeAppend = null;
            held.TrySetResult();
        }

        Assert.False(answeredEarly, "the start answered while its record was not stored");
        var lifetime = await start.WaitAsync(TimeSpan.FromSeconds(30));
        var first = await store.ReadAsync(lifetime.GetPrimaryKeyString(), 1, default).FirstAsync();
        Assert.IsType<Core.Execution.LifetimeStartedEntry>(first);
    }

    [Fact]
    public async Task AStartThatComesWhileAnotherCallLooksForTheLifetime_StartsIt_AndTheOtherCallSeesIt()
    {
        await using var store = new AwaitedJournalStore();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reads = 0;
        // The first read (the inspecting call's load) waits; the start's own check reads at once.
        store.BeforeRead = () => Interlocked.Increment(ref reads) == 1 ? held.Task : Task.CompletedTask;
        await using var cluster = await AgenticTestCluster.StartAsync(1, store);
        var graph = GraphReader.Parse(File.ReadAllText(RepoPaths.Sample("approval")), "approval.yaml");
        var lifetime = cluster.Client.GetGrain<IAgentLifetimeGrain>(Guid.NewGuid().ToString("N"));

        var inspect = lifetime.InspectAsync();
        await UntilAsync(() => Volatile.Read(ref reads) >= 1, "the inspecting call loads");
        var start = lifetime.StartAsync(new StartLifetimeCommand(graph.CanonicalJson, "acme", null, null));
        await UntilAsync(() => Volatile.Read(ref reads) >= 2, "the start checks the journal");
        await Task.Delay(300); // the start reaches the activation, behind the load
        store.BeforeRead = null;
        held.SetResult();

        var started = await start.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("approval", started.GraphName);
        Assert.Equal(started.LifetimeId, (await inspect.WaitAsync(TimeSpan.FromSeconds(10))).LifetimeId);
        Assert.Equal("waiting", (await lifetime.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30))).Phase);
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within 10 s: {what}");
            await Task.Delay(10);
        }
    }
}
