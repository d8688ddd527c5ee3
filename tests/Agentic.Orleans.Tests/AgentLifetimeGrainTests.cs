using Agentic.Core.Execution;
using Agentic.Core.Formats;

namespace Agentic.Orleans.Tests;

/// <summary>The lifetime grain on a 2-silo cluster: the runtime's orchestration, hosted by a grain, driven through IGrainFactory.</summary>
public sealed class AgentLifetimeGrainTests(LifetimeClusterFixture fixture) : IClassFixture<LifetimeClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string GraphJson(string sample) =>
        GraphReader.Parse(File.ReadAllText(RepoPaths.Sample(sample)), sample + ".yaml").CanonicalJson;

    private IAgentLifetimeGrain New() => fixture.Grains.GetGrain<IAgentLifetimeGrain>(Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task HelloLoop_RunsToCompletion_AndIsJournaledGapless()
    {
        var lifetime = New();
        var started = await lifetime.StartAsync(new StartLifetimeCommand(GraphJson("hello"), "acme", null, null));
        Assert.Equal("hello", started.GraphName);

        var settled = await lifetime.WhenSettledAsync().WaitAsync(Patience);

        Assert.Equal("completed", settled.Phase);
        Assert.Contains("\"count\":10", settled.Result!.JsonText, StringComparison.Ordinal);
        Assert.Equal(20, settled.Executions);
        var records = await fixture.Journal.ReadAsync(settled.LifetimeId, 1, default).ToListAsync();
        Assert.Equal(Enumerable.Range(1, 22).Select(n => (long)n), records.Select(r => r.Sequence));
        Assert.IsType<LifetimeEndedEntry>(records[^1]);
    }

    [Fact]
    public async Task HumanInput_ParksTheLifetime_SurvivesDeactivation_AndCompletesExactlyOnce()
    {
        var lifetime = New();
        await lifetime.StartAsync(new StartLifetimeCommand(GraphJson("approval"), "acme", null, null));
        var waiting = await lifetime.WhenSettledAsync().WaitAsync(Patience);
        Assert.Equal("waiting", waiting.Phase);
        var awaited = Assert.Single(waiting.Awaiting);
        Assert.Contains("Publish", awaited.Prompt!.JsonText, StringComparison.Ordinal);

        // Parked: the activation goes; the next call re-activates it from the journal.
        await fixture.Cluster.DeactivateAsync(lifetime);
        var reloaded = await lifetime.InspectAsync();
        Assert.Equal(("waiting", awaited.ExecutionId), (reloaded.Phase, Assert.Single(reloaded.Awaiting).ExecutionId));

        await lifetime.ProvideInputAsync(awaited.ExecutionId, PayloadData.FromJson("""{"ok":true}"""), "ada");
        var done = await lifetime.WhenSettledAsync().WaitAsync(Patience);
        Assert.Equal("completed", done.Phase);

        await Assert.ThrowsAnyAsync<Exception>(() => lifetime.ProvideInputAsync(awaited.ExecutionId, PayloadData.FromJson("""{"ok":false}"""), "bob"));
        var records = await fixture.Journal.ReadAsync(done.LifetimeId, 1, default).ToListAsync();
        Assert.Single(records.OfType<ExecutionEntry>(), e => e.ExecutionId == awaited.ExecutionId && e.Phase == ExecutionPhase.Completed);
    }

    [Fact]
    public async Task ARunningLifetimeWhoseActivationOrleansDrops_CallsItselfAgain_AndCompletesWithoutAnyCall()
    {
        var graph = GraphReader.Parse("""
            graph: dropped-while-running
            version: 1.0.0
            nodes:
              - { name: work, kind: task, type: sleep, config: { ms: 1000 } }
              - { name: done, kind: plan, type: all }
            edges:
              - { from: work, to: done }
              - { from: done, to: end, kind: final }
            """, "dropped.yaml").CanonicalJson;
        var lifetime = New();
        var id = (await lifetime.StartAsync(new StartLifetimeCommand(graph, "acme", null, null))).LifetimeId;
        await Task.Delay(200);

        // As Orleans drops a duplicate activation after a membership change: the sleep is in flight, its completion
        // will find no activation, and no user calls the lifetime again.
        await fixture.Cluster.DeactivateAsync(lifetime);
        var deadline = DateTime.UtcNow + Patience;
        List<JournalEntry> records;
        while ((records = await fixture.Journal.ReadAsync(id, 1, default).ToListAsync()) is not [.., LifetimeEndedEntry])
        {
            Assert.True(DateTime.UtcNow < deadline, $"the lifetime stopped at record {records.Count} once its activation was dropped");
            await Task.Delay(50);
        }

        Assert.Equal(ExecutionPhase.Completed, ((LifetimeEndedEntry)records[^1]).Phase);
        var work = Assert.Single(records.OfType<ExecutionEntry>(), e => e.NodeName == "work" && e.Phase == ExecutionPhase.Completed);
        Assert.Equal(2, work.Attempt);
    }

    [Fact]
    public async Task PauseResumeAbort_AreJournaledWithWhoAndWhy()
    {
        var lifetime = New();
        await lifetime.StartAsync(new StartLifetimeCommand(GraphJson("approval"), "acme", null, null));
        await lifetime.WhenSettledAsync().WaitAsync(Patience);

        var paused = await lifetime.PauseAsync("ops", "maintenance");
        Assert.Equal("paused", paused.Phase);
        var resumed = await lifetime.ResumeAsync("ops", null);
        Assert.Equal("waiting", (await lifetime.WhenSettledAsync().WaitAsync(Patience)).Phase);
        Assert.NotEqual("paused", resumed.Phase);
        var aborted = await lifetime.AbortAsync("ops", "not needed");
        Assert.Equal("aborted", (await lifetime.WhenSettledAsync().WaitAsync(Patience)).Phase);

        var controls = (await fixture.Journal.ReadAsync(aborted.LifetimeId, 1, default).ToListAsync()).OfType<ControlEntry>().ToList();
        Assert.Equal([(LifetimeControl.Pause, "ops", "maintenance"), (LifetimeControl.Resume, "ops", null), (LifetimeControl.Abort, "ops", "not needed")], controls.Select(c => (c.Action, c.Actor, c.Reason)));
        await Assert.ThrowsAnyAsync<Exception>(() => lifetime.AbortAsync("ops", "again"));
    }

    [Fact]
    public async Task StartingAnIdTwice_IsRefused_AndAnInvalidGraphStoresNothing()
    {
        var lifetime = New();
        await lifetime.StartAsync(new StartLifetimeCommand(GraphJson("hello"), "acme", null, null));
        await lifetime.WhenSettledAsync().WaitAsync(Patience);
        await fixture.Cluster.DeactivateAsync(lifetime);

        var again = await Assert.ThrowsAnyAsync<Exception>(() => lifetime.StartAsync(new StartLifetimeCommand(GraphJson("hello"), "acme", null, null)));
        Assert.Contains("already exists", again.Message, StringComparison.Ordinal);

        var invalid = New();
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => invalid.StartAsync(new StartLifetimeCommand(GraphJson("hello").Replace("\"counter\"", "\"no_such_type\"", StringComparison.Ordinal), "acme", null, null)));
        Assert.Contains("no_such_type", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await fixture.Journal.ReadAsync(invalid.GetPrimaryKeyString(), 1, default).ToListAsync());
    }

    [Fact]
    public async Task AFork_SharesTheParentsPrefix_RunsOnLive_AndLeavesTheParentUntouched()
    {
        var parent = New();
        await parent.StartAsync(new StartLifetimeCommand(GraphJson("hello"), "acme", null, null));
        var done = await parent.WhenSettledAsync().WaitAsync(Patience);
        var before = await fixture.Journal.ReadAsync(done.LifetimeId, 1, default).ToListAsync();

        var fork = New();
        await fork.ForkAsync(done.LifetimeId, fromSequence: 6);
        var forked = await fork.WhenSettledAsync().WaitAsync(Patience);

        Assert.Equal(("completed", done.Result!.JsonText), (forked.Phase, forked.Result!.JsonText));
        var records = await fixture.Journal.ReadAsync(forked.LifetimeId, 1, default).ToListAsync();
        var start = Assert.IsType<LifetimeStartedEntry>(records[0]);
        Assert.Equal((done.LifetimeId, 6L), (start.ForkOf, start.ForkSequence));
        Assert.Equal(before.Count, (await fixture.Journal.ReadAsync(done.LifetimeId, 1, default).ToListAsync()).Count);
        await Assert.ThrowsAnyAsync<Exception>(() => New().ForkAsync(done.LifetimeId, fromSequence: 99));
    }

    [Fact]
    public async Task PublishedVersions_AreImmutable_AndLifetimesStartFromThem()
    {
        var name = "pub-" + Guid.NewGuid().ToString("N")[..8];
        var yaml = File.ReadAllText(RepoPaths.Sample("hello")).Replace("graph: hello", "graph: " + name, StringComparison.Ordinal);
        var v1 = GraphReader.Parse(yaml, "g.yaml").CanonicalJson;
        var changed = GraphReader.Parse(yaml.Replace("result.count >= 10", "result.count >= 3", StringComparison.Ordinal), "g.yaml").CanonicalJson;
        var registry = fixture.Grains.GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of("acme", name));

        var published = await registry.PublishAsync(v1);
        Assert.Equal(published, await registry.PublishAsync(v1));
        var conflict = await Assert.ThrowsAnyAsync<Exception>(() => registry.PublishAsync(changed));
        Assert.Contains("Bump the version", conflict.Message, StringComparison.Ordinal);
        var viaStart = await Assert.ThrowsAnyAsync<Exception>(() => New().StartAsync(new StartLifetimeCommand(changed, "acme", null, null)));
        Assert.Contains("Bump the version", viaStart.Message, StringComparison.Ordinal);
        Assert.Single(await registry.ListAsync());

        var lifetime = New();
        await lifetime.StartPublishedAsync(new StartPublishedLifetimeCommand(name, "1.0.0", "acme", null, null));
        var done = await lifetime.WhenSettledAsync().WaitAsync(Patience);
        Assert.Equal(("completed", published.Hash), (done.Phase, done.GraphHash));
        var missing = await Assert.ThrowsAnyAsync<Exception>(() => New().StartPublishedAsync(new StartPublishedLifetimeCommand(name, "9.9.9", "acme", null, null)));
        Assert.Contains("is not published", missing.Message, StringComparison.Ordinal);

        // Graphs are published per tenant: another tenant neither sees acme's versions nor collides with them.
        var other = await Assert.ThrowsAnyAsync<Exception>(() => New().StartPublishedAsync(new StartPublishedLifetimeCommand(name, "1.0.0", "globex", null, null)));
        Assert.Contains("is not published", other.Message, StringComparison.Ordinal);
        var theirs = await fixture.Grains.GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of("globex", name)).PublishAsync(changed);
        Assert.NotEqual(published.Hash, theirs.Hash);
    }

    [Fact]
    public async Task ALifetimeThatCanNeverBeRebuilt_IsMarkedFailedOnce_WhenActivated()
    {
        // Stored by an older build: a condition of 20,000 'or' terms, past this build's limits.
        var json = new Core.Graphs.GraphBuilder("old").Task("work", "counter").Plan("done", "all").Edge("work", "done").Final("done", "result.count == 1").Build().CanonicalJson;
        var poisoned = json.Replace("result.count == 1", string.Join(" or ", Enumerable.Repeat("result.count == 1", 20_000)), StringComparison.Ordinal);
        Assert.NotEqual(json, poisoned);
        var id = Guid.NewGuid().ToString("N");
        await fixture.Journal.AppendAsync([new LifetimeStartedEntry
        {
            LifetimeId = id, Sequence = 1, RecordedAt = DateTimeOffset.UnixEpoch, TenantId = "acme", GraphName = "old", GraphVersion = "1.0.0",
            GraphHash = "old-build", GraphJson = poisoned, Input = Payload.EmptyObject, IterationCap = 10,
        }], default);
        var lifetime = fixture.Grains.GetGrain<IAgentLifetimeGrain>(id);

        var first = await Assert.ThrowsAnyAsync<Exception>(() => lifetime.ActivateAsync());
        var again = await Assert.ThrowsAnyAsync<Exception>(() => lifetime.InspectAsync());

        Assert.Contains("(marked failed)", first.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(marked failed)", again.Message, StringComparison.Ordinal);
        var records = await fixture.Journal.ReadAsync(id, 1, default).ToListAsync();
        Assert.Equal(2, records.Count);
        Assert.Equal(ExecutionPhase.Failed, Assert.IsType<LifetimeEndedEntry>(records[^1]).Phase);
        Assert.DoesNotContain(id, await fixture.Journal.ListUnfinishedAsync(default));
    }

    [Fact]
    public async Task UnknownLifetime_IsNotFound()
    {
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => New().InspectAsync());
        Assert.Contains("is not in the journal", ex.Message, StringComparison.Ordinal);
    }
}
