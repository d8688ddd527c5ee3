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
}
