using Agentic.Core.Expressions;
using Agentic.Core.Graphs;
using Agentic.Core.Guardrails;

namespace Agentic.Core.Execution;

/// <summary>
/// The deterministic heart of a lifetime. It turns outcomes into journal records (<c>Record*</c>) and journal
/// records into routing decisions (<see cref="Apply"/>). Routing is a pure function of the records applied, so
/// applying a journal again rebuilds the same state and the same decisions without running any node.
/// Not thread-safe: one lifetime is driven by one actor at a time.
/// </summary>
public sealed partial class LifetimeStateMachine
{
    private readonly ExecutableGraph _graph;
    // Keyed by the ordinal of the id ("lifetime.ordinal"): hashing the whole id cost more than the rest of a lookup.
    private readonly Dictionary<int, ExecutionRequest> _active = [];
    private readonly Dictionary<string, FanOutGroup> _groups = new(StringComparer.Ordinal);
    private readonly RoutingScope _scope;
    private readonly List<ExecutableEdge> _taken = [];
    private List<ExecutionRequest>? _dispatch;
    private long _nextSequence = 1;
    private long _lastApplied;
    private int _nextOrdinal = 1;
    private LifetimeEnd? _ending;

    // The phase a recorded-but-not-yet-applied control will bring, so a second command is judged against it.
    private ExecutionPhase? _controlPhase;

    private LifetimeStateMachine(AgentGraph graph, string lifetimeId, string tenantId, Payload input, int iterationCap)
    {
        _graph = ExecutableGraph.For(graph);
        LifetimeId = lifetimeId;
        TenantId = tenantId;
        Input = input;
        IterationCap = iterationCap;
        _scope = new RoutingScope(this) { Input = input };
    }

    public string LifetimeId { get; }

    public string TenantId { get; }

    public AgentGraph Graph => _graph.Graph;

    /// <summary>The prepared form of <see cref="Graph"/> (conditions parsed, plan targets indexed).</summary>
    public ExecutableGraph Executable => _graph;

    public Payload Input { get; }

    public int IterationCap { get; }

    /// <summary>Pending, Running, Paused or the terminal phase, from the records applied.</summary>
    public ExecutionPhase Phase { get; private set; } = ExecutionPhase.Pending;

    /// <summary>
    /// The phase users see: <see cref="Phase"/>, except Waiting when every execution the lifetime awaits is waiting
    /// for input, and the outcome of a control already recorded but not yet applied.
    /// </summary>
    public ExecutionPhase CurrentPhase
    {
        get
        {
            if (_controlPhase is { } pending)
            {
                return pending;
            }

            if (_ending is not null && !Phase.IsTerminal())
            {
                return _ending.Phase;
            }

            if (Phase == ExecutionPhase.Running && _active.Count > 0)
            {
                foreach (var request in _active.Values)
                {
                    if (!request.IsWaiting)
                    {
                        return ExecutionPhase.Running;
                    }
                }

                return ExecutionPhase.Waiting;
            }

            return Phase;
        }
    }

    /// <summary>Completed and failed executions applied so far (cancelled ones are not counted).</summary>
    public long ExecutionCount { get; private set; }

    /// <summary>Usage of the executions applied so far (completed and failed): what lifetime-scope guardrails aggregate.</summary>
    public UsageTotals Usage { get; private set; } = new();

    /// <summary>Task→Plan cycles so far: the highest iteration index seen, plus one.</summary>
    public int Iterations { get; private set; }

    public Payload? Result { get; private set; }

    public string? Reason { get; private set; }

    public long LastAppliedSequence => _lastApplied;

    /// <summary>Paused, or a pause is recorded and not yet applied: dispatch nothing new (cheap: on the dispatch path).</summary>
    public bool IsPaused => (_controlPhase ?? Phase) == ExecutionPhase.Paused;

    public bool IsEnding => _ending is not null;

    /// <summary>
    /// The result as <see cref="CurrentPhase"/> tells it: once the end is decided (its record not yet durable), the
    /// decided end's result, so that a lifetime shown as completed always shows its result.
    /// </summary>
    public Payload? CurrentResult => _ending is not null && !Phase.IsTerminal() ? _ending.Result : Result;

    /// <summary>The reason as <see cref="CurrentPhase"/> tells it (the decided end's, once it is decided).</summary>
    public string? CurrentReason => _ending is not null && !Phase.IsTerminal() ? _ending.Reason : Reason;

    /// <summary>Executions decided but not yet applied as finished.</summary>
    public IReadOnlyCollection<ExecutionRequest> Active => _active.Values;

    /// <summary>The executions awaited now, in dispatch order: running (or held by a pause) or waiting for input.</summary>
    public IReadOnlyList<AwaitedExecution> Awaiting() => _active.Values
        .OrderBy(r => r.ExecutionId.Length).ThenBy(r => r.ExecutionId, StringComparer.Ordinal)
        .Select(r => new AwaitedExecution(r.ExecutionId, r.Node.Name, r.Node.Type, r.Attempt, r.Iteration, r.IsWaiting ? ExecutionPhase.Waiting : ExecutionPhase.Running, r.Prompt))
        .ToList();

    public static LifetimeStateMachine Create(AgentGraph graph, string lifetimeId, string tenantId, Payload input, int iterationCap)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentOutOfRangeException.ThrowIfLessThan(iterationCap, 1);
        return new LifetimeStateMachine(graph, lifetimeId, tenantId, input, iterationCap);
    }

    /// <summary>Rebuilds a machine from a journal's first record; <paramref name="graph"/> may supply the already-loaded pinned graph.</summary>
    public static LifetimeStateMachine FromStart(LifetimeStartedEntry start, AgentGraph? graph = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (graph is not null && graph.ContentHash != start.GraphHash)
        {
            throw new JournalDivergenceException(start.LifetimeId, start.Sequence, $"graph {graph} has hash {graph.ContentHash} but the lifetime is pinned to {start.GraphHash}");
        }

        graph ??= CanonicalGraph.FromJson(start.GraphJson);
        return new LifetimeStateMachine(graph, start.LifetimeId, start.TenantId, start.Input, start.IterationCap);
    }

    /// <param name="now">When the lifetime starts.</param>
    /// <param name="policySource">The guardrail policies it runs under (recorded so that resume and recovery restore them).</param>
    /// <param name="priceSource">The model price file its usage is costed with.</param>
    public LifetimeStartedEntry CreateStartEntry(DateTimeOffset now, string? policySource = null, string? priceSource = null) => new()
    {
        PolicySource = policySource,
        PriceSource = priceSource,
        LifetimeId = LifetimeId,
        Sequence = _nextSequence++,
        RecordedAt = now,
        TenantId = TenantId,
        GraphName = Graph.Name,
        GraphVersion = Graph.Version.ToString(),
        GraphHash = Graph.ContentHash,
        GraphJson = Graph.CanonicalJson,
        Input = Input,
        IterationCap = IterationCap,
    };

    /// <summary>
    /// Applies a durable record. New executions to run are appended to <paramref name="dispatch"/>; a non-null
    /// return means the lifetime must now end (call <see cref="RecordTermination"/>).
    /// </summary>
    public LifetimeEnd? Apply(JournalEntry entry, List<ExecutionRequest> dispatch)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Sequence != _lastApplied + 1)
        {
            throw Divergence(entry, $"expected record {_lastApplied + 1} next, got {entry.Sequence} (the journal has a gap or is out of order)");
        }

        _lastApplied = entry.Sequence;
        _nextSequence = Math.Max(_nextSequence, entry.Sequence + 1);
        var endingBefore = _ending;
        _dispatch = dispatch;
        try
        {
            switch (entry)
            {
                case LifetimeStartedEntry:
                    if (Phase != ExecutionPhase.Pending)
                    {
                        throw Divergence(entry, "a second start record");
                    }

                    Phase = ExecutionPhase.Running;
                    Dispatch(_graph.Node(Graph.Start), 0, [new UpstreamResult("input", LifetimeId + ".input", Input)], [], "start", null, null);
                    break;
                case ExecutionEntry e:
                    ApplyExecution(e);
                    break;
                case ControlEntry c:
                    ApplyControl(c);
                    break;
                case LifetimeEndedEntry end:
                    if (_ending is null || _ending.Phase != end.Phase)
                    {
                        var decided = _ending is null ? $"no end (awaiting {string.Join(", ", _active.Values.Select(r => r.ExecutionId + " " + r.Node.Name))})" : "the end " + _ending.Phase.ToWireName();
                        throw Divergence(end, $"the records before it decide {decided}, but the journal records the end {end.Phase.ToWireName()}");
                    }

                    Phase = end.Phase;
                    Result = end.Result;
                    Reason = end.Reason;
                    _ending ??= new LifetimeEnd(end.Phase, end.Result, end.Reason, end.CauseExecutionId);
                    return null;
            }

            if (_ending is null && _active.Count == 0 && !Phase.IsTerminal())
            {
                End(ExecutionPhase.Failed, null, $"stalled: no execution is running and no final edge was taken (last record {entry.Sequence}); check the edge conditions and plan decisions", null);
            }
        }
        finally
        {
            _dispatch = null;
        }

        return endingBefore is null ? _ending : null;
    }

    /// <summary>Turns a successful outcome into a record. Returns null if the execution is no longer awaited (cancelled).</summary>
    public ExecutionEntry? RecordCompleted(string executionId, Payload result, IReadOnlyList<string>? nextTaskNames, ExecutionTelemetry telemetry, DateTimeOffset startedAt, DateTimeOffset now, PolicyVerdict verdict = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!TryGetActive(executionId, out var request) || request.Recorded || request.IsWaiting)
        {
            return null;
        }

        var names = nextTaskNames ?? [];
        if (request.Node.Kind == NodeKind.Plan)
        {
            var allowed = _graph.NodeOf(request).AllowedTargets;
            // Indexed loops: this runs for every plan execution, and foreach over the interfaces allocates an enumerator.
            for (var n = 0; n < names.Count; n++)
            {
                var name = names[n];
                if (Array.IndexOf(allowed, name) < 0)
                {
                    return RecordFailed(executionId, $"plan '{request.Node.Name}' chose '{name}', which is not one of its outgoing edges (allowed: {string.Join(", ", allowed)})", telemetry, startedAt, now, verdict);
                }
            }
        }

        if (verdict.Decision is { Action: PolicyAction.RejectExecution } rejected)
        {
            return RecordFailed(executionId, "rejected by " + rejected.Describe(), telemetry, startedAt, now, verdict);
        }

        request.Recorded = true;
        return NewExecutionEntry(request, ExecutionPhase.Completed, result, names, null, telemetry, startedAt, now, verdict: verdict);
    }

    public ExecutionEntry? RecordFailed(string executionId, string error, ExecutionTelemetry telemetry, DateTimeOffset startedAt, DateTimeOffset now, PolicyVerdict verdict = default)
    {
        if (!TryGetActive(executionId, out var request) || request.Recorded || request.IsWaiting)
        {
            return null;
        }

        request.Recorded = true;
        return NewExecutionEntry(request, ExecutionPhase.Failed, null, [], error, telemetry, startedAt, now, verdict: verdict);
    }

    /// <summary>What guardrails see of an outcome about to be recorded for <paramref name="executionId"/>, if it is awaited.</summary>
    public UsageSample? SampleOf(string executionId, ExecutionTelemetry telemetry) =>
        TryGetActive(executionId, out var r) && !r.Recorded ? new UsageSample(r.Node.Name, r.Node.Type, r.Attempt, r.Iteration, telemetry) : null;

    /// <summary>
    /// The body asked for input: records the execution as Waiting with <paramref name="prompt"/>. It stays awaited
    /// (never run again) until <see cref="RecordInput"/> completes it, or the lifetime ends and cancels it.
    /// </summary>
    public ExecutionEntry? RecordWaiting(string executionId, Payload prompt, ExecutionTelemetry telemetry, DateTimeOffset startedAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (!TryGetActive(executionId, out var request) || request.Recorded || request.IsWaiting)
        {
            return null;
        }

        if (request.Node.Kind != NodeKind.Task)
        {
            return RecordFailed(executionId, $"plan '{request.Node.Name}' asked for input; only tasks can wait for input", telemetry, startedAt, now);
        }

        request.IsWaiting = true;
        request.Prompt = prompt;
        return NewExecutionEntry(request, ExecutionPhase.Waiting, prompt, [], null, telemetry, startedAt, now);
    }

    /// <summary>Completes a waiting execution with the input a person (or system) provided. Refused unless it waits.</summary>
    public ExecutionEntry RecordInput(string executionId, Payload input, string providedBy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(providedBy);
        var phase = CurrentPhase;
        if (phase.IsTerminal())
        {
            throw new LifetimeControlException(LifetimeId, phase, $"cannot provide input to lifetime {LifetimeId}: it is {phase.ToWireName()}");
        }

        if (!TryGetActive(executionId, out var request))
        {
            throw new LifetimeControlException(LifetimeId, phase, $"cannot provide input to execution {executionId}: it is not awaited by lifetime {LifetimeId} (already completed, or never dispatched)");
        }

        if (!request.IsWaiting || request.Recorded)
        {
            var state = request.Recorded ? "already has its input" : "is running, not waiting for input";
            throw new LifetimeControlException(LifetimeId, phase, $"cannot provide input to execution {executionId} ({request.Node.Name}): it {state}");
        }

        request.Recorded = true;
        return NewExecutionEntry(request, ExecutionPhase.Completed, input, [], null, ExecutionTelemetry.None, now, now, providedBy);
    }

    /// <summary>
    /// Records a pause, resume or abort after checking that the current phase allows it; throws
    /// <see cref="LifetimeControlException"/> naming the phase otherwise.
    /// </summary>
    public ControlEntry RecordControl(LifetimeControl action, string actor, string? reason, DateTimeOffset now, PolicyDecision? decision = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var phase = CurrentPhase;
        var verb = action.ToString().ToLowerInvariant();
        var refused = action switch
        {
            _ when phase.IsTerminal() => $"it is {phase.ToWireName()}",
            _ when phase == ExecutionPhase.Pending => "it has not started",
            LifetimeControl.Pause when phase == ExecutionPhase.Paused => "it is already paused",
            LifetimeControl.Resume when phase != ExecutionPhase.Paused => $"it is {phase.ToWireName()}; only a paused lifetime can be resumed",
            _ => null,
        };
        if (refused is not null)
        {
            throw new LifetimeControlException(LifetimeId, phase, $"cannot {verb} lifetime {LifetimeId}: {refused}");
        }

        _controlPhase = action switch
        {
            LifetimeControl.Pause => ExecutionPhase.Paused,
            LifetimeControl.Abort => ExecutionPhase.Aborted,
            _ => null,
        };
        return new ControlEntry { LifetimeId = LifetimeId, Sequence = _nextSequence++, RecordedAt = now, Action = action, Actor = actor, Reason = reason, Decision = decision };
    }

    /// <summary>
    /// <paramref name="charge"/> was charged to the tenant for an attempt of an awaited execution that has no record
    /// (the host or activation that ran it went before recording it). Returns the Lost record carrying that usage, or
    /// null when the charge is stale (the journal already implies a later attempt). An attempt at or above the one
    /// about to run moves the execution to the attempt after it (before <see cref="PrepareRedispatch"/>, its re-run);
    /// one below it (another activation's, while this one already re-runs it) only adds its usage. Give one
    /// execution's charges in ascending attempts.
    /// </summary>
    public ExecutionEntry? RecordLost(Guardrails.UnrecordedCharge charge, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(charge);
        if (!string.Equals(charge.LifetimeId, LifetimeId, StringComparison.Ordinal) || !TryOrdinalOf(charge.ExecutionId, out var ordinal) ||
            !_active.TryGetValue(ordinal, out var request) || request.IsWaiting || request.Recorded ||
            (charge.Attempt < (request.JournaledAttempt ?? request.Attempt) && !charge.Certain))
        {
            return null;
        }

        if (charge.Attempt < (request.JournaledAttempt ?? request.Attempt))
        {
            // Certain to be lost, of an attempt the journal already moved past (another activation ran it too): its usage only.
            return LostEntry(request.WithAttempt(charge.Attempt), charge, now);
        }

        var entry = LostEntry(request.WithAttempt(charge.Attempt), charge, now);
        if (charge.Attempt >= request.Attempt)
        {
            var next = request.WithAttempt(charge.Attempt + 1);
            next.JournaledAttempt = request.JournaledAttempt ?? request.Attempt;
            _active[ordinal] = next;
        }

        return entry;
    }

    /// <summary>
    /// <paramref name="charge"/> was charged for an attempt of an execution that is finished (another attempt was
    /// recorded; <paramref name="recordOfExecution"/> is one of its records) and that has no record of its own: the
    /// Lost record adding its usage, or null when the execution is still awaited or was never dispatched.
    /// </summary>
    public ExecutionEntry? RecordLost(Guardrails.UnrecordedCharge charge, ExecutionEntry recordOfExecution, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(charge);
        ArgumentNullException.ThrowIfNull(recordOfExecution);
        if (!string.Equals(charge.LifetimeId, LifetimeId, StringComparison.Ordinal) || recordOfExecution.ExecutionId != charge.ExecutionId ||
            !TryOrdinalOf(charge.ExecutionId, out var ordinal) || _active.ContainsKey(ordinal) || !WasDispatched(charge.ExecutionId))
        {
            return null;
        }

        return new ExecutionEntry
        {
            LifetimeId = LifetimeId,
            Sequence = _nextSequence++,
            RecordedAt = now,
            ExecutionId = recordOfExecution.ExecutionId,
            NodeName = recordOfExecution.NodeName,
            NodeKind = recordOfExecution.NodeKind,
            NodeType = recordOfExecution.NodeType,
            Attempt = charge.Attempt,
            Iteration = recordOfExecution.Iteration,
            Phase = ExecutionPhase.Lost,
            ParentIds = recordOfExecution.ParentIds,
            EdgeTaken = recordOfExecution.EdgeTaken,
            IdempotencyKey = recordOfExecution.IdempotencyKey,
            StartedAt = now,
            NextTaskNames = [],
            Error = LostReason(charge),
            Telemetry = charge.Telemetry,
        };
    }

    private ExecutionEntry LostEntry(ExecutionRequest attempt, Guardrails.UnrecordedCharge charge, DateTimeOffset now) =>
        NewExecutionEntry(attempt, ExecutionPhase.Lost, null, [], LostReason(charge), charge.Telemetry, now, now);

    private static string LostReason(Guardrails.UnrecordedCharge charge) =>
        $"attempt {charge.Attempt} was lost with the host that ran it, after its usage was charged";

    /// <summary>Whether an execution was dispatched and has no record (nor waits for input): what a re-activation runs again.</summary>
    public bool HasUnrecordedDispatches => _active.Values.Any(r => !r.Recorded && !r.IsWaiting);

    /// <summary>
    /// After rebuilding from a journal: the executions that were dispatched but have no record (their process died).
    /// Each is returned as attempt + 1 with the same execution id and idempotency key, ready to run again (one already
    /// moved to its next attempt by <see cref="RecordLost"/> is returned as it is).
    /// </summary>
    public IReadOnlyList<ExecutionRequest> PrepareRedispatch(bool nextAttempt)
    {
        var lost = _active.Values.Where(r => !r.Recorded && !r.IsWaiting).OrderBy(r => r.ExecutionId.Length).ThenBy(r => r.ExecutionId, StringComparer.Ordinal).ToList();
        if (!nextAttempt)
        {
            return lost;
        }

        for (var i = 0; i < lost.Count; i++)
        {
            if (lost[i].JournaledAttempt is not null)
            {
                continue;
            }

            var again = lost[i].WithAttempt(lost[i].Attempt + 1);
            // The journal still implies the earlier attempt until the re-run is recorded; a snapshot keeps that one.
            again.JournaledAttempt = lost[i].JournaledAttempt ?? lost[i].Attempt;
            _active[OrdinalOf(again.ExecutionId)] = again;
            lost[i] = again;
        }

        return lost;
    }

    /// <summary>
    /// Records that end the lifetime after <see cref="Apply"/> decided so: every execution still running is recorded as
    /// cancelled, then the lifetime's end.
    /// </summary>
    public IReadOnlyList<JournalEntry> RecordTermination(DateTimeOffset now)
    {
        var ending = _ending ?? throw new InvalidOperationException($"lifetime {LifetimeId} has not decided to end");
        var records = new List<JournalEntry>(_active.Count + 1);
        // Usually nothing is left running (a final edge ends the lifetime from its last execution): skip the sort.
        IEnumerable<ExecutionRequest> running = _active.Count == 0 ? [] : _active.Values.Where(r => !r.Recorded).OrderBy(r => r.ExecutionId.Length).ThenBy(r => r.ExecutionId, StringComparer.Ordinal);
        foreach (var request in running)
        {
            request.Recorded = true;
            records.Add(NewExecutionEntry(request, ExecutionPhase.Cancelled, null, [], $"cancelled: lifetime {ending.Phase.ToWireName()}", ExecutionTelemetry.None, now, now));
        }

        records.Add(new LifetimeEndedEntry
        {
            LifetimeId = LifetimeId,
            Sequence = _nextSequence++,
            RecordedAt = now,
            Phase = ending.Phase,
            Result = ending.Result,
            Reason = ending.Reason,
            CauseExecutionId = ending.CauseExecutionId,
            Iterations = Iterations,
            Executions = ExecutionCount,
        });
        return records;
    }

    private ExecutionEntry NewExecutionEntry(ExecutionRequest r, ExecutionPhase phase, Payload? result, IReadOnlyList<string> names, string? error, ExecutionTelemetry telemetry, DateTimeOffset startedAt, DateTimeOffset now, string? providedBy = null, PolicyVerdict verdict = default) => new()
    {
        LifetimeId = LifetimeId,
        Sequence = _nextSequence++,
        RecordedAt = now,
        ExecutionId = r.ExecutionId,
        NodeName = r.Node.Name,
        NodeKind = r.Node.Kind,
        NodeType = r.Node.Type,
        Attempt = r.Attempt,
        Iteration = r.Iteration,
        Phase = phase,
        ParentIds = r.ParentIds,
        EdgeTaken = r.EdgeTaken,
        IdempotencyKey = r.IdempotencyKey,
        StartedAt = startedAt,
        Result = result,
        NextTaskNames = names,
        Error = error,
        Telemetry = telemetry,
        ProvidedBy = providedBy,
        Decision = verdict.Decision,
        PolicySetVersion = verdict.PolicySetVersion,
    };

    /// <summary>
    /// A lost attempt: its usage counts (it was spent), and the execution stays awaited at the next attempt, which the
    /// record implies is dispatched. On replay this moves the request; live, <see cref="RecordLost"/> already did, and
    /// this only advances what the journal implies (<see cref="ExecutionRequest.JournaledAttempt"/>).
    /// </summary>
    private void ApplyLost(int ordinal, ExecutionRequest request, ExecutionEntry e)
    {
        if (request.Node.Name != e.NodeName)
        {
            throw Divergence(e, $"execution {e.ExecutionId}: a lost attempt of {e.NodeName} does not fit the records before it ({request.Node.Name})");
        }

        Usage.Add(new UsageSample(e.NodeName, e.NodeType, e.Attempt, e.Iteration, e.Telemetry));
        if (e.Attempt < (request.JournaledAttempt ?? request.Attempt))
        {
            // An attempt the journal already moved past (two activations ran it): its usage only.
            return;
        }

        if (request.JournaledAttempt is null)
        {
            _active[ordinal] = request.WithAttempt(e.Attempt + 1);
        }
        else
        {
            // Live: the next attempt may already have finished (recorded after this) before this record is durable.
            request.JournaledAttempt = e.Attempt + 1 >= request.Attempt ? null : e.Attempt + 1;
        }
    }

    private void ApplyControl(ControlEntry c)
    {
        _controlPhase = null;
        if (_ending is not null || Phase.IsTerminal())
        {
            return;
        }

        switch (c.Action)
        {
            case LifetimeControl.Pause:
                Phase = ExecutionPhase.Paused;
                break;
            case LifetimeControl.Resume:
                Phase = ExecutionPhase.Running;
                break;
            case LifetimeControl.Abort:
                End(ExecutionPhase.Aborted, null, $"aborted by {c.Actor}{(string.IsNullOrEmpty(c.Reason) ? "" : ": " + c.Reason)}", null);
                break;
        }
    }

    private void ApplyExecution(ExecutionEntry e)
    {
        if (!TryOrdinalOf(e.ExecutionId, out var ordinal) || !_active.TryGetValue(ordinal, out var request))
        {
            if (e.Phase == ExecutionPhase.Lost && WasDispatched(e.ExecutionId))
            {
                // An attempt of a finished execution, lost with its host: only its usage counts.
                Usage.Add(new UsageSample(e.NodeName, e.NodeType, e.Attempt, e.Iteration, e.Telemetry));
                return;
            }

            // Execution ids are unique: a second record finishing one is refused here, on every replay and recovery
            // (the database does not index execution ids; see docs/architecture.md).
            throw Divergence(e, WasDispatched(e.ExecutionId)
                ? $"execution {e.ExecutionId} ({e.NodeName}) is already finished by an earlier record: an execution is recorded as finished once"
                : $"execution {e.ExecutionId} ({e.NodeName}) was never dispatched by the records before it");
        }

        if (e.Phase == ExecutionPhase.Lost)
        {
            ApplyLost(ordinal, request, e);
            return;
        }

        // A recorded attempt above the dispatched one is a re-run after a crash (recovery dispatches attempt + 1).
        if (request.Node.Name != e.NodeName || e.Attempt < request.Attempt)
        {
            throw Divergence(e, $"execution {e.ExecutionId}: the records before it dispatch {request.Node.Name} attempt {request.Attempt}, but the journal records {e.NodeName} attempt {e.Attempt}");
        }

        if (e.Phase == ExecutionPhase.Waiting)
        {
            request.IsWaiting = true;
            request.Prompt = e.Result;
            return;
        }

        _active.Remove(ordinal);
        if (e.Attempt > request.Attempt)
        {
            request = request.WithAttempt(e.Attempt);
        }

        if (e.Phase != ExecutionPhase.Cancelled)
        {
            ExecutionCount++;
            Iterations = Math.Max(Iterations, e.Iteration + 1);
            Usage.Add(new UsageSample(e.NodeName, e.NodeType, e.Attempt, e.Iteration, e.Telemetry));
        }

        if (_ending is not null || Phase.IsTerminal())
        {
            return;
        }

        switch (e.Decision?.Action)
        {
            case PolicyAction.AbortLifetime:
                // Nothing downstream of a step that aborted its lifetime is decided.
                End(ExecutionPhase.Aborted, null, "aborted by " + e.Decision.Describe(), e.ExecutionId);
                return;
            case PolicyAction.PauseLifetime:
                // Downstream is decided as usual and held until an operator resumes.
                Phase = ExecutionPhase.Paused;
                break;
        }

        switch (e.Phase)
        {
            case ExecutionPhase.Completed when request.Node.Kind == NodeKind.Task:
                RouteTask(request, e);
                break;
            case ExecutionPhase.Completed:
                RoutePlan(request, e);
                break;
            case ExecutionPhase.Failed when request.Attempt < request.Node.Retry.MaxAttempts:
                var retryId = NextOrdinalId(out var retryOrdinal);
                _active.Add(retryOrdinal, Retry(request, retryId));
                break;
            case ExecutionPhase.Failed:
                var kind = request.Node.Kind == NodeKind.Task ? "task" : "plan";
                End(ExecutionPhase.Failed, null, $"{kind} '{request.Node.Name}' failed after {request.Attempt} attempt(s): {e.Error}", e.ExecutionId);
                break;
            default:
                EndToken(request.Branch);
                break;
        }
    }

    private void RouteTask(ExecutionRequest request, ExecutionEntry e)
    {
        var result = e.Result ?? Payload.EmptyObject;
        _scope.Result = result;
        _scope.Results = null;
        _scope.Node = request.Node.Name;
        _scope.Iteration = request.Iteration;
        _taken.Clear();
        foreach (var edge in _graph.NodeOf(request).Routes)
        {
            if (!Holds(edge, e))
            {
                if (_ending is not null)
                {
                    return;
                }

                continue;
            }

            if (edge.Kind == EdgeKind.Final)
            {
                End(ExecutionPhase.Completed, result, null, e.ExecutionId);
                return;
            }

            _taken.Add(edge);
        }

        if (_taken.Count == 0)
        {
            EndToken(request.Branch);
            return;
        }

        if (TopGroup(request.Branch) is { } group)
        {
            group.Outstanding += _taken.Count - 1;
        }

        var upstream = new UpstreamResult(request.Node.Name, e.ExecutionId, result);
        UpstreamResult[] inputs = [upstream];
        string[] parents = [e.ExecutionId];
        foreach (var edge in _taken)
        {
            if (edge.Kind == EdgeKind.Join)
            {
                Arrive(request, edge, upstream, e.Sequence);
            }
            else
            {
                Dispatch(edge.TargetNode!, request.Iteration, inputs, parents, edge.Label, request.Branch, null);
            }
        }
    }

    private void RoutePlan(ExecutionRequest request, ExecutionEntry e)
    {
        var payload = e.Result ?? (request.Inputs.Count == 1 ? request.Inputs[0].Payload : Payload.EmptyObject);
        _scope.Result = payload;
        _scope.Results = request.Inputs;
        _scope.Node = request.Node.Name;
        _scope.Iteration = request.Iteration;
        _taken.Clear();
        var names = e.NextTaskNames;
        var node = _graph.NodeOf(request);
        for (var n = 0; n < names.Count; n++)
        {
            var name = names[n];
            if (IsRepeated(names, n))
            {
                continue;
            }

            var edge = node.RouteTo(name)
                ?? throw Divergence(e, $"plan '{request.Node.Name}' chose '{name}', which is not one of its outgoing edges (allowed: {string.Join(", ", node.AllowedTargets)})");
            if (!Holds(edge, e))
            {
                if (_ending is not null)
                {
                    return;
                }

                continue;
            }

            if (edge.Kind == EdgeKind.Final)
            {
                End(ExecutionPhase.Completed, payload, null, e.ExecutionId);
                return;
            }

            _taken.Add(edge);
        }

        var parallel = 0;
        foreach (var edge in _taken)
        {
            parallel += edge.Kind == EdgeKind.Parallel ? 1 : 0;
        }

        var tokens = _taken.Count - parallel + (parallel > 0 ? 1 : 0);
        if (tokens == 0)
        {
            EndToken(request.Branch);
            return;
        }

        var nextIteration = request.Iteration + 1;
        if (nextIteration >= IterationCap)
        {
            End(ExecutionPhase.Failed, null, $"iteration cap of {IterationCap} reached: plan '{request.Node.Name}' chose {string.Join(", ", _taken.Select(t => t.To))} for iteration {nextIteration + 1} (raise iteration_cap in the graph or per run if the loop is intended)", e.ExecutionId);
            return;
        }

        if (TopGroup(request.Branch) is { } group)
        {
            group.Outstanding += tokens - 1;
        }

        UpstreamResult[] inputs = [new UpstreamResult(request.Node.Name, e.ExecutionId, payload)];
        string[] parents = [e.ExecutionId];
        FanOutGroup? fanOut = null;
        var branchIndex = 0;
        foreach (var edge in _taken)
        {
            var task = edge.TargetNode!;
            if (edge.Kind == EdgeKind.Parallel)
            {
                if (fanOut is null)
                {
                    fanOut = new FanOutGroup(e.ExecutionId, request.Branch, parallel);
                    _groups.Add(fanOut.Id, fanOut);
                }

                Dispatch(task, nextIteration, inputs, parents, edge.Label, new BranchFrame(fanOut.Id, branchIndex++, request.Branch), null);
            }
            else
            {
                Dispatch(task, nextIteration, inputs, parents, edge.Label, request.Branch, null);
            }
        }
    }

    /// <summary>A plan naming a target twice takes it once (checked without allocating; lists are tiny).</summary>
    private static bool IsRepeated(IReadOnlyList<string> names, int index)
    {
        for (var i = 0; i < index; i++)
        {
            if (string.Equals(names[i], names[index], StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private bool Holds(ExecutableEdge edge, ExecutionEntry e)
    {
        var condition = edge.Condition;
        if (condition is null)
        {
            return true;
        }

        try
        {
            return condition.IsSatisfied(_scope);
        }
        catch (ExpressionException ex)
        {
            End(ExecutionPhase.Failed, null, $"condition of edge {edge.Label} could not be evaluated on the result of {e.ExecutionId}: {ex.Message}", e.ExecutionId);
            return false;
        }
    }

    private void Arrive(ExecutionRequest request, ExecutableEdge edge, UpstreamResult upstream, long sequence)
    {
        var group = TopGroup(request.Branch);
        if (group is null)
        {
            // A join reached outside any fan-out gathers just this one result.
            Dispatch(edge.TargetNode!, request.Iteration, [upstream], [upstream.ExecutionId], edge.Label, request.Branch, null);
            return;
        }

        group.Arrivals.Add((request.Branch!.Index, sequence, edge.To, request.Iteration, upstream));
        group.Outstanding--;
        SettleGroup(group);
    }

    private void EndToken(BranchFrame? branch)
    {
        if (TopGroup(branch) is { } group)
        {
            group.Outstanding--;
            SettleGroup(group);
        }
    }

    private void SettleGroup(FanOutGroup group)
    {
        if (group.Outstanding > 0)
        {
            return;
        }

        _groups.Remove(group.Id);
        var parent = TopGroup(group.Parent);
        if (group.Arrivals.Count == 0)
        {
            if (parent is not null)
            {
                parent.Outstanding--;
                SettleGroup(parent);
            }

            return;
        }

        var ordered = group.Arrivals.OrderBy(a => a.Index).ThenBy(a => a.Sequence).ToList();
        var joins = ordered.Select(a => a.JoinPlan).Distinct(StringComparer.Ordinal).ToList();
        if (parent is not null)
        {
            parent.Outstanding += joins.Count - 1;
        }

        foreach (var join in joins)
        {
            var arrivals = ordered.Where(a => a.JoinPlan == join).ToList();
            Dispatch(
                _graph.Node(join),
                arrivals.Max(a => a.Iteration),
                arrivals.Select(a => a.Result).ToArray(),
                arrivals.Select(a => a.Result.ExecutionId).ToArray(),
                "join->" + join,
                group.Parent,
                null);
        }
    }

    private FanOutGroup? TopGroup(BranchFrame? branch) => branch is null ? null : _groups.GetValueOrDefault(branch.GroupId);

    private void Dispatch(ExecutableNode node, int iteration, IReadOnlyList<UpstreamResult> inputs, IReadOnlyList<string> parents, string edge, BranchFrame? branch, string? idempotencyKey)
    {
        var id = NextOrdinalId(out var ordinal);
        var request = new ExecutionRequest
        {
            ExecutionId = id,
            Node = node.Node,
            Executable = node,
            Attempt = 1,
            Iteration = iteration,
            Inputs = inputs,
            ParentIds = parents,
            EdgeTaken = edge,
            IdempotencyKey = idempotencyKey ?? id,
            Branch = branch,
        };
        _active.Add(ordinal, request);
        _dispatch!.Add(request);
    }

    private ExecutionRequest Retry(ExecutionRequest failed, string executionId)
    {
        var retry = failed.WithAttempt(failed.Attempt + 1, executionId);
        _dispatch!.Add(retry);
        return retry;
    }

    /// <summary>Whether <paramref name="executionId"/> is one this lifetime already handed out (its ids are "lifetime.ordinal").</summary>
    private bool WasDispatched(string executionId) => TryOrdinalOf(executionId, out var ordinal) && ordinal < _nextOrdinal;

    /// <summary>The ordinal of an id this lifetime could have handed out ("lifetime.ordinal", no leading zeros).</summary>
    private bool TryOrdinalOf(string executionId, out int ordinal)
    {
        // Parsed by hand: this runs two or three times per execution, and int.TryParse's style and culture handling
        // cost more than the dictionary lookup it serves.
        ordinal = 0;
        var prefix = LifetimeId.Length;
        var digits = executionId.Length - prefix - 1;
        if (digits is < 1 or > 10 || executionId[prefix] != '.' || executionId[prefix + 1] == '0' ||
            !executionId.AsSpan(0, prefix).SequenceEqual(LifetimeId))
        {
            return false;
        }

        long value = 0;
        for (var i = prefix + 1; i < executionId.Length; i++)
        {
            var digit = (uint)(executionId[i] - '0');
            if (digit > 9)
            {
                return false;
            }

            value = (value * 10) + digit;
        }

        if (value > int.MaxValue)
        {
            return false;
        }

        ordinal = (int)value;
        return true;
    }

    private int OrdinalOf(string executionId) => TryOrdinalOf(executionId, out var ordinal)
        ? ordinal
        : throw new FormatException($"execution id '{executionId}' is not of lifetime {LifetimeId} (expected \"{LifetimeId}.<ordinal>\")");

    private bool TryGetActive(string executionId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ExecutionRequest? request)
    {
        if (TryOrdinalOf(executionId, out var ordinal) && _active.TryGetValue(ordinal, out request))
        {
            return true;
        }

        request = null;
        return false;
    }

    /// <summary>Makes <paramref name="request"/> awaited; its id must be one of this lifetime's.</summary>
    private void AddActive(ExecutionRequest request) => _active.Add(OrdinalOf(request.ExecutionId), request);

    /// <summary>"lifetime.ordinal", built in one allocation (one per execution).</summary>
    private string NextOrdinalId(out int ordinal)
    {
        ordinal = _nextOrdinal++;
        var digits = 1;
        for (var rest = ordinal / 10; rest > 0; rest /= 10)
        {
            digits++;
        }

        return string.Create(LifetimeId.Length + 1 + digits, (LifetimeId, ordinal), static (span, state) =>
        {
            state.LifetimeId.AsSpan().CopyTo(span);
            span[state.LifetimeId.Length] = '.';
            state.ordinal.TryFormat(span[(state.LifetimeId.Length + 1)..], out _, default, System.Globalization.CultureInfo.InvariantCulture);
        });
    }

    private void End(ExecutionPhase phase, Payload? result, string? reason, string? cause) => _ending ??= new LifetimeEnd(phase, result, reason, cause);

    private JournalDivergenceException Divergence(JournalEntry entry, string message) => new(LifetimeId, entry.Sequence, message);
}
