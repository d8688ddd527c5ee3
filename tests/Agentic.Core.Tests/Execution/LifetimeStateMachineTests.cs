using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Core.Guardrails;

namespace Agentic.Core.Tests.Execution;

/// <summary>The state machine on its own: execution ids, routing through prepared nodes, and refused records.</summary>
public sealed class LifetimeStateMachineTests
{
    private const string Id = "lt-1";
    private static readonly DateTimeOffset At = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    // task -> plan; plan routes back to task or ends.
    private static AgentGraph Loop() => new GraphBuilder("loop")
        .Task("task", "echo")
        .Plan("plan", "route")
        .Edge("task", "plan").Edge("plan", "task").Final("plan")
        .Build();

    [Fact]
    public void ExecutionIds_AreTheLifetimeIdAndAnOrdinal_AndEachStepFollowsItsEdge()
    {
        var (machine, dispatch) = Started(Loop());
        var steps = new List<(string Id, string Node, string Edge)>();
        for (var cycle = 0; cycle < 3; cycle++)
        {
            var task = Single(dispatch);
            steps.Add((task.ExecutionId, task.Node.Name, task.EdgeTaken));
            Apply(machine, machine.RecordCompleted(task.ExecutionId, Payload.EmptyObject, null, ExecutionTelemetry.None, At, At)!, dispatch);
            var plan = Single(dispatch);
            steps.Add((plan.ExecutionId, plan.Node.Name, plan.EdgeTaken));
            string[] next = cycle < 2 ? ["task"] : ["end"];
            var end = Apply(machine, machine.RecordCompleted(plan.ExecutionId, Payload.EmptyObject, next, ExecutionTelemetry.None, At, At)!, dispatch);
            Assert.Equal(cycle < 2 ? null : ExecutionPhase.Completed, end?.Phase);
        }

        Assert.Equal(
            [("lt-1.1", "task", "start"), ("lt-1.2", "plan", "task->plan"), ("lt-1.3", "task", "plan->task"), ("lt-1.4", "plan", "task->plan"), ("lt-1.5", "task", "plan->task"), ("lt-1.6", "plan", "task->plan")],
            steps);
        Assert.Empty(dispatch);
        Assert.Equal(6, machine.ExecutionCount);
    }

    [Theory]
    [InlineData("lt-1.01")] // the ordinal written differently is not the id handed out
    [InlineData("lt-1.2")] // not dispatched yet
    [InlineData("lt-2.1")] // another lifetime's
    [InlineData("lt-1.")]
    [InlineData("lt-1.x")]
    [InlineData("lt-1.1x")]
    [InlineData("lt-1.-1")]
    [InlineData("lt-1.99999999999")] // more digits than any ordinal
    [InlineData("lt-1.4294967297")] // 2^32 + 1: must not wrap around to 1
    [InlineData("lt-2.1.1")]
    [InlineData("lt-1")]
    [InlineData("")]
    public void AnOutcomeForAnIdThatIsNotAwaited_MakesNoRecord(string executionId)
    {
        var (machine, dispatch) = Started(Loop());
        Assert.Equal("lt-1.1", Single(dispatch).ExecutionId);

        Assert.Null(machine.RecordCompleted(executionId, Payload.EmptyObject, null, ExecutionTelemetry.None, At, At));
        Assert.Null(machine.RecordFailed(executionId, "boom", ExecutionTelemetry.None, At, At));
        Assert.Null(machine.SampleOf(executionId, ExecutionTelemetry.None));
    }

    [Fact]
    public void ARecordOfAnotherLifetimesExecution_IsADivergence()
    {
        var (machine, dispatch) = Started(Loop());
        var completed = machine.RecordCompleted(Single(dispatch).ExecutionId, Payload.EmptyObject, null, ExecutionTelemetry.None, At, At)!;
        var (other, _) = Started(Loop(), "lt-2");

        var ex = Assert.Throws<JournalDivergenceException>(() => other.Apply(completed.Copy(lifetimeId: "lt-2"), []));

        Assert.Equal("lifetime lt-2, record 2: execution lt-1.1 (task) was never dispatched by the records before it", ex.Message);
    }

    [Fact]
    public void ARecordNamingAnOrdinalWithALeadingZero_IsADivergence()
    {
        var (machine, dispatch) = Started(Loop());
        var completed = machine.RecordCompleted(Single(dispatch).ExecutionId, Payload.EmptyObject, null, ExecutionTelemetry.None, At, At)!;

        var ex = Assert.Throws<JournalDivergenceException>(() => machine.Apply(completed.Copy(executionId: "lt-1.01"), []));

        Assert.Equal("lifetime lt-1, record 2: execution lt-1.01 (task) was never dispatched by the records before it", ex.Message);
    }

    [Fact]
    public void ASecondRecordFinishingTheSameExecution_IsADivergence()
    {
        var (machine, dispatch) = Started(Loop());
        var completed = machine.RecordCompleted(Single(dispatch).ExecutionId, Payload.EmptyObject, null, ExecutionTelemetry.None, At, At)!;
        Apply(machine, completed, dispatch);
        var again = completed.Copy(sequence: 3);

        var ex = Assert.Throws<JournalDivergenceException>(() => machine.Apply(again, []));

        Assert.Equal("lifetime lt-1, record 3: execution lt-1.1 (task) is already finished by an earlier record: an execution is recorded as finished once", ex.Message);
    }

    [Fact]
    public void APlanChoosingATargetOffItsEdges_FailsWithTheAllowedTargets()
    {
        var (machine, dispatch) = Started(Loop());
        Apply(machine, machine.RecordCompleted(Single(dispatch).ExecutionId, Payload.EmptyObject, null, ExecutionTelemetry.None, At, At)!, dispatch);
        var plan = Single(dispatch);

        var entry = machine.RecordCompleted(plan.ExecutionId, Payload.EmptyObject, ["elsewhere"], ExecutionTelemetry.None, At, At)!;

        Assert.Equal(ExecutionPhase.Failed, entry.Phase);
        Assert.Equal("plan 'plan' chose 'elsewhere', which is not one of its outgoing edges (allowed: task, end)", entry.Error);
    }

    [Fact]
    public void AFailedAttemptIsRetriedUnderANewOrdinal_WithTheSameIdempotencyKey()
    {
        var graph = new GraphBuilder("retry")
            .Task("task", "fail", o => o.Retry(3, TimeSpan.FromMilliseconds(1)))
            .Final("task")
            .Build();
        var (machine, dispatch) = Started(graph);
        var first = Single(dispatch);

        Apply(machine, machine.RecordFailed(first.ExecutionId, "boom", ExecutionTelemetry.None, At, At)!, dispatch);
        var second = Single(dispatch);
        Assert.Null(machine.RecordCompleted(first.ExecutionId, Payload.EmptyObject, null, ExecutionTelemetry.None, At, At));
        var end = Apply(machine, machine.RecordCompleted(second.ExecutionId, Payload.EmptyObject, null, ExecutionTelemetry.None, At, At)!, dispatch);

        Assert.Equal(("lt-1.2", 2, "lt-1.1"), (second.ExecutionId, second.Attempt, second.IdempotencyKey));
        Assert.Equal(ExecutionPhase.Completed, end?.Phase);
    }

    [Fact]
    public void AForkKeepsTheGuardrailDecisionsOfItsPrefix_AndReplaysToTheParentsState()
    {
        var machine = LifetimeStateMachine.Create(Loop(), Id, "tenant", Payload.EmptyObject, 100);
        var dispatch = new List<ExecutionRequest>();
        var start = machine.CreateStartEntry(At);
        machine.Apply(start, dispatch);
        var decision = new PolicyDecision("cap", PolicyScope.Lifetime, PolicyAction.PauseLifetime, "lifetime.cost_usd", 2, 1, "v7");
        var paused = machine.RecordCompleted(Single(dispatch).ExecutionId, Payload.EmptyObject, null, ExecutionTelemetry.None, At, At, new PolicyVerdict(decision, "v7"))!;
        Apply(machine, paused, dispatch);
        Assert.True(machine.IsPaused);

        var fork = JournalFork.Rewrite([start, paused], "lt-9", fromSequence: 2);

        var copied = Assert.IsType<ExecutionEntry>(fork[1]);
        Assert.Equal(("lt-9.1", decision, "v7"), (copied.ExecutionId, copied.Decision, copied.PolicySetVersion));
        var replayed = LifetimeStateMachine.FromStart((LifetimeStartedEntry)fork[0], Loop());
        replayed.Apply(fork[0], []);
        replayed.Apply(fork[1], []);
        Assert.True(replayed.IsPaused);
    }

    [Fact]
    public void AFork_RecordsItsCopiesWhenItIsMade_KeepingWhenEachExecutionRan_AndControlDecisions()
    {
        var machine = LifetimeStateMachine.Create(Loop(), Id, "tenant", Payload.EmptyObject, 100);
        var dispatch = new List<ExecutionRequest>();
        var start = machine.CreateStartEntry(At, "/policies", "/prices.yaml");
        machine.Apply(start, dispatch);
        var done = machine.RecordCompleted(Single(dispatch).ExecutionId, Payload.EmptyObject, null, ExecutionTelemetry.None, At, At.AddSeconds(1), default)!;
        var decision = new PolicyDecision("cap", PolicyScope.Lifetime, PolicyAction.PauseLifetime, "max(iteration_idx)", 5, 5, "v7");
        var pause = new ControlEntry { LifetimeId = Id, Sequence = 3, RecordedAt = At.AddSeconds(2), Action = LifetimeControl.Pause, Actor = "guardrail", Decision = decision };
        var forkedAt = At.AddDays(3);

        var fork = JournalFork.Rewrite([start, done, pause], "lt-9", fromSequence: 3, forkedAt);

        Assert.All(fork, r => Assert.Equal(forkedAt, r.RecordedAt));
        Assert.Equal(At, Assert.IsType<ExecutionEntry>(fork[1]).StartedAt);
        Assert.Equal(decision, Assert.IsType<ControlEntry>(fork[2]).Decision);
        var started = Assert.IsType<LifetimeStartedEntry>(fork[0]);
        Assert.Equal(("/policies", "/prices.yaml"), (started.PolicySource, started.PriceSource));
    }

    [Fact]
    public void AChargedAttemptLostWithItsHost_IsRecordedLost_ItsUsageCounts_AndTheNextAttemptsReplayIdentically()
    {
        // The first task was dispatched (by the start record) and never recorded; its host died after charging it.
        var machine = LifetimeStateMachine.Create(Loop(), Id, "tenant", Payload.EmptyObject, 100);
        var start = machine.CreateStartEntry(At);
        var rebuilt = LifetimeStateMachine.FromStart(start, Loop());
        rebuilt.Apply(start, []);
        var spent = new ExecutionTelemetry(70, 30, 0.5, 12, "m");

        Assert.Null(rebuilt.RecordLost(new UnrecordedCharge("lt-2", "lt-1.1", 1, spent), At)); // another lifetime's
        Assert.Null(rebuilt.RecordLost(new UnrecordedCharge(Id, "lt-1.9", 1, spent), At)); // not awaited
        var lost = rebuilt.RecordLost(new UnrecordedCharge(Id, "lt-1.1", 1, spent), At)!;
        Assert.Equal((ExecutionPhase.Lost, 1, 100L, 2L), (lost.Phase, lost.Attempt, lost.Telemetry.TokensUsed, lost.Sequence));

        // Its re-run is the next attempt, not bumped again.
        var again = Assert.Single(rebuilt.PrepareRedispatch(nextAttempt: true));
        Assert.Equal(("lt-1.1", 2), (again.ExecutionId, again.Attempt));
        var dispatch = new List<ExecutionRequest>();
        rebuilt.Apply(lost, dispatch);
        Assert.Null(rebuilt.RecordLost(new UnrecordedCharge(Id, "lt-1.1", 1, spent), At)); // stale: the journal moved past it
        var done = rebuilt.RecordCompleted("lt-1.1", Payload.EmptyObject, null, new ExecutionTelemetry(10, 0, 0, 1), At, At)!;
        rebuilt.Apply(done, dispatch);
        Assert.Equal(("plan", 110d), (Single(dispatch).Node.Name, rebuilt.Usage.Sum(0)));

        // Replayed from the journal: the same state and usage; the lost record moves the awaited attempt on.
        var replayed = LifetimeStateMachine.FromStart(start, Loop());
        replayed.Apply(start, []);
        replayed.Apply(lost, []);
        var journaled = Assert.Single(replayed.PrepareRedispatch(nextAttempt: false));
        Assert.Equal(2, journaled.Attempt);
        var replayDispatch = new List<ExecutionRequest>();
        replayed.Apply(done, replayDispatch);
        Assert.Equal(("plan", 110d), (Single(replayDispatch).Node.Name, replayed.Usage.Sum(0)));
        Assert.True(JournalReplay.Replay([start, lost, done]).Identical);
    }

    [Fact]
    public void AnotherActivationsLostAttempt_OfAFinishedExecution_AddsOnlyItsUsage_AndReplays()
    {
        var machine = LifetimeStateMachine.Create(Loop(), Id, "tenant", Payload.EmptyObject, 100);
        var start = machine.CreateStartEntry(At);
        var dispatch = new List<ExecutionRequest>();
        machine.Apply(start, dispatch);
        var task = Single(dispatch);
        var done = machine.RecordCompleted(task.ExecutionId, Payload.EmptyObject, null, new ExecutionTelemetry(10, 0, 0, 1), At, At)!;
        Apply(machine, done, dispatch);
        var charge = new UnrecordedCharge(Id, task.ExecutionId, 2, new ExecutionTelemetry(40, 2, 0.1, 3));

        Assert.Null(machine.RecordLost(charge, At)); // finished: not awaited any more
        var lost = machine.RecordLost(charge, done, At)!;
        Assert.Equal((ExecutionPhase.Lost, 2, 42L, "task"), (lost.Phase, lost.Attempt, lost.Telemetry.TokensUsed, lost.NodeName));
        Apply(machine, lost, dispatch);
        Assert.Empty(dispatch); // nothing routed again
        Assert.Equal(52d, machine.Usage.Sum(0));
        Assert.Null(machine.RecordLost(charge with { ExecutionId = "lt-1.7" }, done, At)); // not this execution's record

        var replayed = LifetimeStateMachine.FromStart(start, Loop());
        replayed.Apply(start, []);
        replayed.Apply(done, []);
        replayed.Apply(lost, []);
        Assert.Equal(52d, replayed.Usage.Sum(0));
    }

    [Fact]
    public void ALostRecordThatDoesNotFitTheJournal_IsADivergence()
    {
        var machine = LifetimeStateMachine.Create(Loop(), Id, "tenant", Payload.EmptyObject, 100);
        var start = machine.CreateStartEntry(At);
        var rebuilt = LifetimeStateMachine.FromStart(start, Loop());
        rebuilt.Apply(start, []);
        var lost = rebuilt.RecordLost(new UnrecordedCharge(Id, "lt-1.1", 1, new ExecutionTelemetry(5, 0, 0, 1)), At)!;

        var replayed = LifetimeStateMachine.FromStart(start, Loop());
        replayed.Apply(start, []);
        replayed.Apply(lost, []);
        // The same lost attempt again (two activations ran it) counts its usage only; under another node it diverges.
        var twice = new ExecutionEntry
        {
            LifetimeId = Id, Sequence = 3, RecordedAt = At, ExecutionId = lost.ExecutionId, NodeName = lost.NodeName, NodeKind = lost.NodeKind,
            NodeType = lost.NodeType, Attempt = 1, Iteration = 0, Phase = ExecutionPhase.Lost, ParentIds = lost.ParentIds, EdgeTaken = lost.EdgeTaken,
            IdempotencyKey = lost.IdempotencyKey, StartedAt = At, NextTaskNames = [], Telemetry = lost.Telemetry,
        };
        replayed.Apply(twice, []);
        Assert.Equal(10d, replayed.Usage.Sum(0));
        Assert.Equal(2, Assert.Single(replayed.PrepareRedispatch(nextAttempt: false)).Attempt);
        var misplaced = new ExecutionEntry
        {
            LifetimeId = Id, Sequence = 4, RecordedAt = At, ExecutionId = lost.ExecutionId, NodeName = "plan", NodeKind = lost.NodeKind,
            NodeType = lost.NodeType, Attempt = 1, Iteration = 0, Phase = ExecutionPhase.Lost, ParentIds = lost.ParentIds, EdgeTaken = lost.EdgeTaken,
            IdempotencyKey = lost.IdempotencyKey, StartedAt = At, NextTaskNames = [], Telemetry = lost.Telemetry,
        };
        Assert.Throws<JournalDivergenceException>(() => replayed.Apply(misplaced, []));
    }

    private static (LifetimeStateMachine Machine, List<ExecutionRequest> Dispatch) Started(AgentGraph graph, string id = Id)
    {
        var machine = LifetimeStateMachine.Create(graph, id, "tenant", Payload.EmptyObject, 100);
        var dispatch = new List<ExecutionRequest>();
        Assert.Null(machine.Apply(machine.CreateStartEntry(At), dispatch));
        return (machine, dispatch);
    }

    private static LifetimeEnd? Apply(LifetimeStateMachine machine, JournalEntry entry, List<ExecutionRequest> dispatch)
    {
        dispatch.Clear();
        return machine.Apply(entry, dispatch);
    }

    private static ExecutionRequest Single(List<ExecutionRequest> dispatch) => Assert.Single(dispatch);
}
