using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Testing;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Lifetimes;

public sealed class SnapshotTests
{
    // work counts; decide loops back until the count reaches 12, then a person approves.
    private static AgentGraph CountThenAsk() => GraphReader.Parse("""
        graph: count-then-ask
        version: 1.0.0
        nodes:
          - { name: work,    kind: task, type: counter }
          - { name: decide,  kind: plan, type: route, config: { rules: [ { when: "result.count >= 12", to: [approve] } ], otherwise: [work] } }
          - { name: approve, kind: task, type: human, config: { prompt: "ship?" } }
        edges:
          - { from: work, to: decide }
          - { from: decide, to: work }
          - { from: decide, to: approve }
          - { from: approve, to: end, kind: final }
        """, "count-then-ask.yaml");

    [Fact]
    public async Task EveryPrefixOfTheCodingAgent_SnapshotsAndRestores_ToTheSameStateAndTheSameDecisionsAfterIt()
    {
        await using var t = await TestRuntime.StartAsync();
        var graph = GraphReader.Parse(File.ReadAllText(RepoPaths.Sample("coding-agent")), "graph.yaml");
        var (outcome, journal) = await t.RunAsync(graph, new StartLifetimeOptions { Input = Payload.FromJson("""{"user":"ada","request":"add a --verbose flag"}""") });
        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        var start = (LifetimeStartedEntry)journal[0];
        var full = Continue(LifetimeStateMachine.FromStart(start), journal);

        var restoredAt = 0;
        for (var n = 1; n < journal.Count; n++)
        {
            var machine = LifetimeStateMachine.FromStart(start);
            Continue(machine, journal.Take(n));
            if (machine.CaptureSnapshot() is not { } snapshot)
            {
                continue;
            }

            var restored = LifetimeStateMachine.FromSnapshot(start, snapshot);
            Assert.Equal(System.Text.Encoding.UTF8.GetString(snapshot), System.Text.Encoding.UTF8.GetString(restored.CaptureSnapshot()!));
            var after = Continue(restored, journal.Skip(n));
            Assert.Equal(full.Decisions.Skip(full.Decisions.Count - after.Decisions.Count), after.Decisions);
            Assert.Equal((full.Phase, full.Executions, full.Iterations, full.Result), (after.Phase, after.Executions, after.Iterations, after.Result));
            restoredAt++;
        }

        // Snapshots were taken inside the fan-out too (groups, branch frames, join arrivals in them).
        Assert.True(restoredAt > journal.Count / 2, $"only {restoredAt} of {journal.Count} prefixes could be snapshotted");
    }

    [Fact]
    public async Task Activation_FromASnapshot_AppliesOnlyTheRecordsAfterIt_AndDeletingSnapshotsChangesNoResult()
    {
        var store = new InMemoryJournalStore();
        string id;
        int records;
        await using (var first = await TestRuntime.StartAsync(store, o => o.SnapshotEvery = 5))
        {
            id = first.Runtime.Start(CountThenAsk()).LifetimeId;
            Assert.Equal(ExecutionPhase.Waiting, (await first.Runtime.WhenSettledAsync(id)).Phase);
            records = (await store.ReadAsync(id, 1, default).ToListAsync()).Count;
            await TestRuntime.Until(() => first.Runtime.Activations.SnapshotsTaken >= (records - 1) / 5, "every snapshot is stored");
        }

        var snapshot = (await store.ReadSnapshotAsync(id, default))!;
        Assert.InRange(snapshot.Sequence, records - 5, records - 1);

        await using var fromSnapshot = await TestRuntime.StartAsync(store);
        var viewA = await fromSnapshot.Runtime.InspectAsync(id);
        Assert.Equal((1L, 0L), (fromSnapshot.Runtime.Activations.SnapshotsUsedOnActivation, fromSnapshot.Runtime.Activations.SnapshotsIgnoredOnActivation));
        Assert.Equal(records - snapshot.Sequence, fromSnapshot.Runtime.Activations.RecordsAppliedOnActivation);

        store.ClearSnapshots();
        await using var fromJournal = await TestRuntime.StartAsync(store);
        var viewB = await fromJournal.Runtime.InspectAsync(id);
        Assert.Equal((0L, records), (fromJournal.Runtime.Activations.SnapshotsUsedOnActivation, fromJournal.Runtime.Activations.RecordsAppliedOnActivation));

        Assert.Equal(Describe(viewB), Describe(viewA));
        Assert.Equal(ExecutionPhase.Waiting, viewA.Phase);
        Assert.Equal(12, viewA.Iterations);
    }

    [Fact]
    public async Task ASnapshotThatDoesNotFitTheJournal_IsIgnored_AndTheLifetimeGoesOnFromTheJournal()
    {
        var store = new InMemoryJournalStore();
        string id;
        await using (var first = await TestRuntime.StartAsync(store, o => o.SnapshotEvery = 0))
        {
            id = first.Runtime.Start(CountThenAsk()).LifetimeId;
            await first.Runtime.WhenSettledAsync(id);
        }

        var records = await store.ReadAsync(id, 1, default).ToListAsync();
        await store.WriteSnapshotAsync(new LifetimeSnapshot(id, 7, "{\"format\":1,\"lifetime_id\":"u8.ToArray()), default);

        await using (var second = await TestRuntime.StartAsync(store))
        {
            var view = await second.Runtime.InspectAsync(id);
            Assert.Equal((0L, 1L, (long)records.Count), (second.Runtime.Activations.SnapshotsUsedOnActivation, second.Runtime.Activations.SnapshotsIgnoredOnActivation, second.Runtime.Activations.RecordsAppliedOnActivation));
            Assert.Equal(ExecutionPhase.Waiting, view.Phase);
        }

        // A well-formed snapshot of another lifetime's state is refused too: it names a different lifetime.
        await using (var other = await TestRuntime.StartAsync(store, o => o.SnapshotEvery = 3))
        {
            var otherId = other.Runtime.Start(CountThenAsk()).LifetimeId;
            await other.Runtime.WhenSettledAsync(otherId);
            await TestRuntime.Until(() => other.Runtime.Activations.SnapshotsTaken > 0, "the other lifetime has a snapshot");
            var foreign = (await store.ReadSnapshotAsync(otherId, default))!;
            store.ClearSnapshots();
            await store.WriteSnapshotAsync(foreign with { LifetimeId = id }, default);
        }

        await using var third = await TestRuntime.StartAsync(store);
        var waiting = Assert.Single((await third.Runtime.InspectAsync(id)).Awaiting);
        Assert.Equal(1L, third.Runtime.Activations.SnapshotsIgnoredOnActivation);
        await third.Runtime.ProvideInputAsync(id, waiting.ExecutionId, Payload.FromJson("""{"ok":true}"""), "alice");
        var outcome = await third.Runtime.WaitForOutcomeAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((ExecutionPhase.Completed, """{"ok":true}"""), (outcome.Phase, outcome.Result!.ToString()));
    }

    private static string Describe(LifetimeView view) =>
        $"{view.Phase} {view.Executions} {view.Iterations} " + string.Join(";", view.Awaiting.Select(a => $"{a.ExecutionId} {a.NodeName} {a.Attempt} {a.Iteration} {a.Phase} {a.Prompt}"));

    private static Replayed Continue(LifetimeStateMachine machine, IEnumerable<JournalEntry> records)
    {
        var decisions = new List<string>();
        var dispatch = new List<ExecutionRequest>();
        foreach (var record in records)
        {
            machine.Apply(record, dispatch);
            decisions.AddRange(dispatch.Select(r => $"{record.Sequence}: {r.ExecutionId} {r.Node.Name} {r.Attempt} {r.Iteration} {r.EdgeTaken} {string.Join(",", r.ParentIds)} {string.Join(",", r.Inputs.Select(i => i.Payload.ToString()))}"));
            dispatch.Clear();
        }

        return new Replayed(decisions, machine.Phase, machine.ExecutionCount, machine.Iterations, machine.Result?.ToString());
    }

    private sealed record Replayed(List<string> Decisions, ExecutionPhase Phase, long Executions, int Iterations, string? Result);
}
