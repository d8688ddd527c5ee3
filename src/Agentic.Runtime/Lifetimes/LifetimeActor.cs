using Agentic.Core.Execution;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Actors;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Workers;

namespace Agentic.Runtime.Lifetimes;

/// <summary>
/// Owns one lifetime. Outcomes from workers become records; records go to the journal writer; only when a record
/// is durable is it applied to the <see cref="LifetimeStateMachine"/>, whose decisions are then dispatched. So no
/// step ever runs before the record it depends on is stored.
/// An activation without a live lifetime loads it from the journal first (crash recovery, or a lifetime that was
/// passivated while it waited for input or was paused): executions dispatched but never recorded run again as the
/// next attempt with the same execution id and idempotency key. Parked lifetimes passivate, holding no memory,
/// worker or thread.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The lifetime's CancellationTokenSource is never disposed on purpose: nodes still running hold its token after the lifetime ends, and it has no timer to release.")]
internal sealed class LifetimeActor(IActorRef<object> self, LifetimeServices services) : IActor<object>, IJournalCallback
{
    private readonly List<ExecutionRequest> _dispatch = [];
    private readonly List<ExecutionRequest> _held = [];
    private readonly HashSet<RetryDue> _retries = [];
    private readonly Dictionary<long, TaskCompletionSource<LifetimeView>> _replies = [];
    private readonly List<TaskCompletionSource<LifetimeView>> _settleWaiters = [];
    private List<object>? _loadingBuffer;
    private LifetimeStateMachine? _machine;
    private CancellationTokenSource _cancellation = new();
    private LifetimeRunScope? _runScope;
    private DateTimeOffset _startedAt;
    private int _running;
    private int _unacknowledged;
    private long _silentThrough;
    private long _snapshotSequence;
    private readonly List<ExecutionRequest> _awaitingTenant = [];
    private readonly List<PendingOutcome> _uncharged = [];
    // Records whose durability confirms a charge the tenant's ledger keeps until then (by sequence).
    private Dictionary<long, UnrecordedCharge>? _confirmWhenDurable;
    // Charges this activation made that the ledger keeps until it confirms them (never recorded lost by itself), and
    // the name its charges carry: another activation of the lifetime may charge the same attempt.
    private Dictionary<(string, string, int), UnrecordedCharge>? _ownKept;
    private readonly string _activation = Guid.NewGuid().ToString("N")[..12];
    private bool _reconciling;
    private bool _reconciled;
    private GuardrailScope? _guardrailScope;
    private PolicySet? _policySet;
    private IReadOnlyList<GuardrailPolicy> _policies = [];
    private GuardrailPolicy[] _tenantPolicies = [];
    private bool _chargesTenant;
    private TenantBudget? _tenant;
    private TenantTotalsBefore? _tenantTotals;
    private int _charging;
    private bool _assessing;
    private bool _done;
    private string? _journalFailure;
    private bool _lost;

    private static readonly UsageTotals NoTotals = new();

    public bool CanPassivate => IsSettled || _lost;

    /// <summary>Ended, paused or waiting with nothing in flight: the journal holds everything, so drop the activation.</summary>
    public bool DeactivateWhenIdle => IsSettled || _lost;

    internal LifetimeStateMachine? Machine => _machine;

    private bool IsSettled =>
        _loadingBuffer is null && !_reconciling && _running == 0 && _unacknowledged == 0 && _retries.Count == 0 && _charging == 0 && _awaitingTenant.Count == 0 && _uncharged.Count == 0 &&
        (_done || (_machine is { IsEnding: false } m && m.CurrentPhase is ExecutionPhase.Paused or ExecutionPhase.Waiting));

    public void Receive(object message)
    {
        if (_loadingBuffer is not null && message is not JournalLoaded)
        {
            _loadingBuffer.Add(message);
            return;
        }

        switch (message)
        {
            case NodeRun run:
                _running--;
                Finished(run);
                break;
            case JournalEntry entry:
                _unacknowledged--;
                Durable(entry);
                break;
            case JournalFailure failure:
                _unacknowledged--;
                JournalFailed(failure);
                break;
            case LedgerDurable durable:
                _charging--;
                RecordCharged((PendingOutcome)durable.Token);
                break;
            case TenantAssessed:
                _assessing = false;
                ChargeUncharged();
                ReleaseAwaitingTenant();
                break;
            case RetryDue due:
                _retries.Remove(due);
                due.Timer?.Dispose();
                if (!_done && _machine is { IsEnding: false })
                {
                    Dispatch(due.Request, delayed: false);
                }

                break;
            case StartLifetime start:
                Start(start);
                break;
            case JournalLoaded loaded:
                Loaded(loaded);
                break;
            case ChargesReconciled reconciled:
                _reconciling = false;
                if (_machine is not null && !_done)
                {
                    ReconcileLost(reconciled.Charges, reconciled.Records);
                    Terminate();
                }

                break;
            default:
                if (_machine is null && !_done)
                {
                    BeginLoad(message);
                    return;
                }

                Command(message);
                break;
        }

        NotifySettled();
    }

    public void OnDurable(JournalEntry entry) => self.Post(entry);

    public void OnFailed(JournalEntry entry, Exception error) => self.Post(new JournalFailure(entry, error));

    private void Start(StartLifetime start)
    {
        if (_machine is not null || _done)
        {
            var exists = new InvalidOperationException($"lifetime {self.Key} already exists");
            start.Durable?.TrySetException(exists);
            services.FailOutcome(self.Key, exists);
            return;
        }

        _startedAt = services.Time.GetUtcNow();
        if (start.Prefix is { Count: > 0 } prefix)
        {
            // A fork: its copied records are appended as one batch, then applied like a re-activation.
            _machine = LifetimeStateMachine.FromStart((LifetimeStartedEntry)prefix[0], start.Graph);
            _silentThrough = prefix[^1].Sequence;
            AnswerWhenDurable(prefix[^1].Sequence, start.Durable);
            foreach (var record in prefix)
            {
                Append(record);
            }

            return;
        }

        _machine = LifetimeStateMachine.Create(start.Graph, self.Key, start.TenantId, start.Input, start.IterationCap);
        var started = _machine.CreateStartEntry(_startedAt, services.Settings.Policies, services.Settings.Prices);
        AnswerWhenDurable(started.Sequence, start.Durable);
        Append(started);
    }

    /// <summary>A start is answered once its record is durable: a lifetime whose id its caller holds survives a crash.</summary>
    private void AnswerWhenDurable(long sequence, TaskCompletionSource<LifetimeView>? reply)
    {
        if (reply is not null)
        {
            _replies[sequence] = reply;
        }
    }

    private void BeginLoad(object first)
    {
        _loadingBuffer = [first];
        var id = self.Key;
        _ = Task.Run(async () => self.Post(await LifetimeLoader.LoadAsync(services, id).ConfigureAwait(false)));
    }

    private void Loaded(JournalLoaded loaded)
    {
        var buffered = _loadingBuffer ?? [];
        _loadingBuffer = null;
        if (loaded.Machine is not { } machine)
        {
            if (loaded.Failure is KeyNotFoundException && buffered.OfType<StartLifetime>().FirstOrDefault() is { } start)
            {
                // Never started, and a start came while a call looked for it (the grain is reentrant): the start goes
                // first, then the other calls see the lifetime it made.
                Start(start);
                foreach (var message in buffered.Where(m => !ReferenceEquals(m, start)))
                {
                    Receive(message);
                }

                return;
            }

            _done = true;
            foreach (var message in buffered)
            {
                Reply(message)?.TrySetException(loaded.Failure!);
            }

            return;
        }

        _machine = machine;
        _startedAt = loaded.StartedAt;
        _snapshotSequence = loaded.SnapshotSequence;
        _done = machine.Phase.IsTerminal();
        foreach (var message in buffered)
        {
            Command(message);
        }

        if (!_done)
        {
            ReconcileLost(loaded.Unrecorded, loaded.UnrecordedRecords);
            // Dispatched before the process stopped (or the lifetime was parked), never recorded: run them again.
            ContinueAfterRebuild(nextAttempt: true);
        }
    }

    /// <summary>
    /// The tenant's ledger keeps charges of this lifetime's attempts with no record: a charge whose attempt the journal
    /// holds after all is only confirmed; any other becomes a Lost record with the usage it cost (an awaited execution
    /// then runs as the next attempt), confirmed once durable. Charges this activation made itself are its own to
    /// record; one that fits nothing now (its execution still awaited at a later attempt) is left for the lifetime's end.
    /// </summary>
    private void ReconcileLost(IReadOnlyList<UnrecordedCharge> charges, IReadOnlyList<ExecutionEntry> records)
    {
        if (charges.Count == 0)
        {
            return;
        }

        var recorded = records.Select(r => (r.ExecutionId, r.Attempt)).ToHashSet();
        var firstRecord = new Dictionary<string, ExecutionEntry>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            firstRecord.TryAdd(record.ExecutionId, record);
        }

        var now = services.Time.GetUtcNow();
        foreach (var charge in charges.OrderBy(c => c.ExecutionId, StringComparer.Ordinal).ThenBy(c => c.Attempt))
        {
            if (_ownKept?.ContainsKey(charge.Key) == true || (_confirmWhenDurable?.Values.Any(c => c.Key == charge.Key) ?? false))
            {
                // This activation's own charge, or one whose Lost record is on its way.
                continue;
            }

            if (!charge.Certain && recorded.Contains((charge.ExecutionId, charge.Attempt)))
            {
                Confirm(charge);
                continue;
            }

            var lost = _machine!.RecordLost(charge, now) ??
                (firstRecord.TryGetValue(charge.ExecutionId, out var record) ? _machine.RecordLost(charge, record, now) : null);
            if (lost is not null)
            {
                (_confirmWhenDurable ??= [])[lost.Sequence] = charge;
                Append(lost);
            }
        }
    }

    private void ContinueAfterRebuild(bool nextAttempt)
    {
        if (_machine!.IsEnding)
        {
            // The decision to end is recorded but the end record is not (the process stopped in between): finish it.
            Terminate();
            return;
        }

        foreach (var request in _machine.PrepareRedispatch(nextAttempt))
        {
            Dispatch(request, delayed: false);
        }
    }

    private void Command(object message)
    {
        if (_lost)
        {
            Reply(message)?.TrySetException(new JournalAppendException($"lifetime {self.Key}: this activation was superseded by another; ask again") { IsSequenceConflict = true });
            return;
        }

        if (_machine is null)
        {
            Reply(message)?.TrySetException(new KeyNotFoundException($"lifetime {self.Key} is not in the journal"));
            return;
        }

        switch (message)
        {
            case StartLifetime start:
                Start(start); // it exists (loaded while the start waited): refused, with the reason
                break;
            case ActivateLifetime activate:
                activate.Reply.TrySetResult(View());
                break;
            case InspectLifetime inspect:
                inspect.Reply.TrySetResult(View());
                break;
            case AwaitSettled settled:
                _settleWaiters.Add(settled.Reply);
                break;
            case ControlLifetime c:
                RecordRequest(now => _machine.RecordControl(c.Action, c.Actor, c.Reason, now), c.Reply);
                break;
            case ProvideInput i:
                RecordRequest(now => _machine.RecordInput(i.ExecutionId, i.Input, i.Actor, now), i.Reply);
                break;
        }
    }

    /// <summary>Records an operator's request, replying once the record is durable, or at once with the refusal.</summary>
    private void RecordRequest(Func<DateTimeOffset, JournalEntry> record, TaskCompletionSource<LifetimeView> reply)
    {
        JournalEntry entry;
        try
        {
            entry = record(services.Time.GetUtcNow());
        }
        catch (LifetimeControlException ex)
        {
            reply.TrySetException(ex);
            return;
        }

        _replies[entry.Sequence] = reply;
        Append(entry);
    }

    private void Finished(NodeRun run)
    {
        if (_machine is null || _done)
        {
            return;
        }

        UsageSample? sample = null;
        // A waiting execution's usage (an LLM call that drafted the question) is charged like any other; its record
        // carries no decision, so a budget it exhausts stops the lifetime's next dispatch.
        var verdict = Judge(run.Request.ExecutionId, run.Telemetry, out sample);
        if (sample is { } charged && _chargesTenant && services.Tenants is not null)
        {
            ChargeTenant(run, verdict, charged);
            return;
        }

        Record(run, verdict);
    }

    /// <summary>
    /// Charges a finished execution to its tenant's ledger (in the order of all the tenant's charges), judges it on the
    /// totals just before it, and records it with the most severe decision; with a durable store, only once the ledger
    /// holding the charge is stored. While the tenant's actor is still loading the ledger, the outcome waits for it.
    /// </summary>
    private void ChargeTenant(NodeRun run, PolicyVerdict local, in UsageSample sample)
    {
        var machine = _machine!;
        _tenant ??= services.Tenants!.Acquire(machine.TenantId);
        var set = _policySet!;
        var now = services.Time.GetUtcNow();
        _tenantTotals ??= new TenantTotalsBefore();
        if (_tenant.Refusal(set.Version) is { } refused)
        {
            Record(run, new PolicyVerdict(refused, refused.PolicySetVersion), now);
            return;
        }

        // With a durable store the record waits for the charge: the ledger keeps what it cost until the record is
        // confirmed, so that an attempt lost with this host in between is recorded as lost by the next activation.
        var durableStore = services.Store is not ISynchronousJournalStore;
        var unrecorded = durableStore && Spent(run.Telemetry) ? new UnrecordedCharge(self.Key, run.Request.ExecutionId, run.Request.Attempt, run.Telemetry with { Metrics = null }) { Activation = _activation } : null;
        if (_uncharged.Count > 0 || !_tenant.TryCharge(set, _tenantPolicies, sample, now, _tenantTotals, unrecorded, out var charge, out var standingFollows))
        {
            unrecorded = null;
            _uncharged.Add(new PendingOutcome(run, local, sample));
            AssessTenant();
            return;
        }

        if (unrecorded is not null)
        {
            (_ownKept ??= [])[unrecorded.Key] = unrecorded;
        }

        var decision = _tenantPolicies.Length == 0 ? null : set.Judge(_tenantPolicies, GuardrailScope(), sample, NoTotals, _tenantTotals.For, _tenant.OnError);
        _tenant.Judged(set, decision, standingFollows, now);

        var verdict = decision is not null && (local.Decision is null || decision.Action > local.Decision.Action)
            ? new PolicyVerdict(decision, decision.PolicySetVersion)
            : local;
        if (!durableStore)
        {
            // Nothing is made durable by waiting on a store without I/O: record now, and have the ledger written behind.
            if (_tenant.AskWrite())
            {
                _tenant.Actor.Post(WriteLedger.Instance);
            }

            Record(run, verdict, now);
            return;
        }

        _charging++;
        _tenant.Actor.Post(new AwaitLedger(charge, self, new PendingOutcome(run, verdict, sample, unrecorded)));
    }

    private static bool Spent(in ExecutionTelemetry telemetry) => telemetry.TokensUsed > 0 || telemetry.CostUsd > 0;

    /// <summary>The charge is stored: record the outcome, and confirm the kept charge once that record is durable.</summary>
    private void RecordCharged(PendingOutcome pending)
    {
        var entry = _machine is not null && !_done ? Record(pending.Run, pending.Verdict) : null;
        if (pending.Unrecorded is not { } kept)
        {
            return;
        }

        if (entry is null)
        {
            if (_lost)
            {
                // Another activation recorded first: the attempt is lost, and the ledger keeps its charge for that
                // activation (or a later one) to record before the lifetime ends.
                _ownKept?.Remove(kept.Key);
            }
            else
            {
                // Not recorded because the lifetime ended meanwhile: the charge stays counted, with nothing to recover.
                Confirm(kept);
            }

            return;
        }

        (_confirmWhenDurable ??= [])[entry.Sequence] = kept;
    }

    /// <summary>Tells the tenant's ledger to drop a kept charge (its record is durable, or there is none to make).</summary>
    private void Confirm(UnrecordedCharge kept)
    {
        _ownKept?.Remove(kept.Key);
        var tenant = _tenant ??= services.Tenants!.Acquire(_machine!.TenantId);
        tenant.Recorded(kept);
        if (tenant.AskWrite())
        {
            tenant.Actor.Post(WriteLedger.Instance);
        }
    }

    private void ChargeUncharged()
    {
        if (_uncharged.Count == 0)
        {
            return;
        }

        var uncharged = _uncharged.ToArray();
        _uncharged.Clear();
        if (_done || _machine is null)
        {
            return;
        }

        foreach (var pending in uncharged)
        {
            ChargeTenant(pending.Run, pending.Verdict, pending.Sample);
        }
    }

    private ExecutionEntry? Record(NodeRun run, PolicyVerdict verdict, DateTimeOffset? at = null)
    {
        var machine = _machine!;
        var now = at ?? services.Time.GetUtcNow();
        var id = run.Request.ExecutionId;
        var entry = run.Error is not null ? machine.RecordFailed(id, run.Error, run.Telemetry, run.StartedAt, now, verdict)
            : run.Prompt is not null ? machine.RecordWaiting(id, run.Prompt, run.Telemetry, run.StartedAt, now)
            : machine.RecordCompleted(id, run.Result!, run.NextTaskNames, run.Telemetry, run.StartedAt, now, verdict);
        if (entry is not null)
        {
            Append(entry);
        }

        return entry;
    }

    /// <summary>
    /// Guardrails judge an outcome before its record is made, so the decision is part of that record: nothing downstream
    /// is dispatched until it is durable, and replay applies the same decision. Execution and lifetime scopes are judged
    /// here; tenant scope on the tenant's ledger (<see cref="ChargeTenant"/>).
    /// </summary>
    private PolicyVerdict Judge(string executionId, ExecutionTelemetry telemetry, out UsageSample? sample)
    {
        sample = null;
        if (PoliciesNow() is not { } set)
        {
            return default;
        }

        var machine = _machine!;
        if ((_policies.Count == 0 && !_chargesTenant) || machine.SampleOf(executionId, telemetry) is not { } s)
        {
            return new PolicyVerdict(null, set.Version);
        }

        sample = s;
        if (_policies.Count == 0)
        {
            return new PolicyVerdict(null, set.Version);
        }

        return new PolicyVerdict(set.Judge(_policies, GuardrailScope(), s, machine.Usage, null), set.Version);
    }

    private GuardrailScope GuardrailScope() =>
        _guardrailScope ??= new GuardrailScope { Tenant = _machine!.TenantId, Graph = _machine.Graph.Name, LifetimeId = _machine.LifetimeId };

    /// <summary>The policy set in force (null: none), with the policies for this lifetime cached per set.</summary>
    private PolicySet? PoliciesNow()
    {
        if (services.Policies?.Current is not { IsEmpty: false } set)
        {
            _policySet = null;
            _policies = [];
            _tenantPolicies = [];
            _chargesTenant = false;
            return null;
        }

        if (!ReferenceEquals(set, _policySet))
        {
            _policySet = set;
            _policies = set.For(_machine!.TenantId, _machine.Graph.Name);
            _tenantPolicies = _policies.Where(p => p.Scope == PolicyScope.Tenant).ToArray();
            // The tenant's totals are across all its graphs: every lifetime of a tenant with any tenant-scope policy
            // is charged, even when a graph filter keeps those policies from judging (and stopping) this one.
            var tenant = _machine.TenantId;
            _chargesTenant = set.Policies.Any(p => p.Scope == PolicyScope.Tenant && (p.Tenant is null || p.Tenant == tenant));
        }

        return set;
    }

    /// <summary>
    /// Before anything starts, an exhausted tenant budget (published by the tenant's actor) stops it: the refusal is
    /// recorded like any decision. A standing that is missing, judged under another policy set, or possibly expired is
    /// asked for afresh, and the request waits for the answer.
    /// </summary>
    private bool TenantAllows(ExecutionRequest request)
    {
        if (services.Tenants is not { } tenants || PoliciesNow() is not { } set || _tenantPolicies.Length == 0)
        {
            return true;
        }

        var machine = _machine!;
        _tenant ??= tenants.Acquire(machine.TenantId);
        var standing = _tenant.Standing;
        if (standing is null || standing.PolicySetVersion != set.Version ||
            (standing.Holding.Count > 0 && standing.ValidUntil is { } until && services.Time.GetUtcNow() >= until))
        {
            _awaitingTenant.Add(request);
            AssessTenant();
            return false;
        }

        if (!standing.Restricts || standing.For(machine.TenantId, machine.Graph.Name) is not { } decision)
        {
            return true;
        }

        RefuseBeforeDispatch(request, decision);
        return false;
    }

    private void RefuseBeforeDispatch(ExecutionRequest request, PolicyDecision decision)
    {
        var machine = _machine!;
        var now = services.Time.GetUtcNow();
        try
        {
            switch (decision.Action)
            {
                case PolicyAction.RejectExecution:
                    if (machine.RecordFailed(request.ExecutionId, $"rejected before it started by {decision.Describe()}", ExecutionTelemetry.None, now, now, new PolicyVerdict(decision, decision.PolicySetVersion)) is { } rejected)
                    {
                        Append(rejected);
                    }

                    break;
                case PolicyAction.PauseLifetime:
                    _held.Add(request);
                    if (!machine.IsPaused)
                    {
                        Append(machine.RecordControl(LifetimeControl.Pause, "policy:" + decision.Policy, decision.Describe(), now, decision));
                    }

                    break;
                default:
                    if (!machine.IsEnding && !machine.CurrentPhase.IsTerminal())
                    {
                        Append(machine.RecordControl(LifetimeControl.Abort, "policy:" + decision.Policy, decision.Describe(), now, decision));
                    }

                    break;
            }
        }
        catch (LifetimeControlException)
        {
            // Already ending or not started: nothing is dispatched either way.
        }
    }

    private void AssessTenant()
    {
        if (!_assessing)
        {
            _assessing = true;
            _tenant!.Actor.Post(new AssessTenant(self));
        }
    }

    private void ReleaseAwaitingTenant()
    {
        if (_awaitingTenant.Count == 0 || _done || _machine is not { IsEnding: false })
        {
            _awaitingTenant.Clear();
            return;
        }

        var waiting = _awaitingTenant.ToArray();
        _awaitingTenant.Clear();
        foreach (var request in waiting)
        {
            Dispatch(request, delayed: false);
        }
    }

    private void Durable(JournalEntry entry)
    {
        if (_confirmWhenDurable is not null && _confirmWhenDurable.Remove(entry.Sequence, out var kept))
        {
            Confirm(kept);
        }

        if (_machine is null || _done)
        {
            return;
        }

        services.Telemetry.Recorded(entry, _machine.TenantId, _startedAt);
        if (services.PhaseObserver is { } phases && LifetimeProjection.PhaseAfter(entry) is { } listed)
        {
            try
            {
                phases.PhaseChanged(new LifetimePhaseChange(entry.LifetimeId, _machine.TenantId, _machine.Graph.Name, _machine.Graph.Version.ToString(), listed, entry.Sequence, entry.RecordedAt));
            }
            catch (Exception)
            {
                // A spectator, like the observers below: its failure never changes the lifetime.
            }
        }

        foreach (var observer in services.Observers)
        {
            try
            {
                observer.OnRecorded(entry);
            }
            catch (Exception)
            {
                // An observer is a spectator: its failure must never change the lifetime.
            }
        }

        LifetimeEnd? end;
        try
        {
            end = _machine.Apply(entry, _dispatch);
        }
        catch (JournalDivergenceException ex)
        {
            Finish(ExecutionPhase.Failed, null, ex.Message);
            return;
        }

        if (end is null && _unacknowledged == 0 && services.SnapshotEvery > 0 && entry.Sequence > _silentThrough && entry.Sequence - _snapshotSequence >= services.SnapshotEvery)
        {
            TakeSnapshot();
        }

        if (entry.Sequence <= _silentThrough)
        {
            // A fork's copied prefix: its decisions are already recorded in it; run only what the prefix leaves open.
            _dispatch.Clear();
            if (entry.Sequence == _silentThrough)
            {
                // The fork is durable: answer its start before it runs on (and possibly ends at once).
                if (_replies.Remove(entry.Sequence, out var forked))
                {
                    forked.TrySetResult(View());
                }

                ContinueAfterRebuild(nextAttempt: false);
            }

            return;
        }

        foreach (var request in _dispatch)
        {
            Dispatch(request, delayed: true);
        }

        _dispatch.Clear();
        if (entry is ControlEntry { Action: LifetimeControl.Resume } && !_machine.IsEnding)
        {
            // A guardrail may hold them again while they are dispatched: iterate a copy.
            var held = _held.ToArray();
            _held.Clear();
            foreach (var request in held)
            {
                Dispatch(request, delayed: true);
            }
        }

        if (_replies.Remove(entry.Sequence, out var reply))
        {
            reply.TrySetResult(View());
        }

        if (end is not null)
        {
            Terminate();
        }

        if (entry is LifetimeEndedEntry ended)
        {
            Finish(ended.Phase, ended.Result, ended.Reason);
        }
    }

    /// <summary>
    /// Every record made is applied (nothing unacknowledged), so the state equals a replay of the journal so far:
    /// serialize it here, store it off the actor. A failed write costs only a longer next activation.
    /// </summary>
    private void TakeSnapshot()
    {
        var machine = _machine!;
        if (machine.CaptureSnapshot() is not { } state)
        {
            return;
        }

        _snapshotSequence = machine.LastAppliedSequence;
        var snapshot = new LifetimeSnapshot(machine.LifetimeId, machine.LastAppliedSequence, state);
        var store = services.Store;
        var counters = services.Counters;
        _ = Task.Run(async () =>
        {
            try
            {
                await store.WriteSnapshotAsync(snapshot, CancellationToken.None).ConfigureAwait(false);
                Interlocked.Increment(ref counters.SnapshotsWritten);
            }
            catch (Exception)
            {
                // The journal is the truth; without this snapshot the next activation replays more records.
            }
        });
    }

    private void Terminate()
    {
        StopDispatching();
        if (_reconciling)
        {
            return;
        }

        if (!_reconciled && _machine!.TenantId is { } tenant && LifetimeLoader.ChargesTenantDurably(services, tenant))
        {
            // Before the end record: attempts another activation of this lifetime ran and never recorded (it went
            // during a membership change) are recorded lost, so that the journal holds all the lifetime spent.
            _reconciled = true;
            _reconciling = true;
            var id = self.Key;
            _ = Task.Run(async () =>
            {
                var (charges, records) = await LifetimeLoader.ReadUnrecordedAsync(services, tenant, id).ConfigureAwait(false);
                self.Post(new ChargesReconciled(charges, records));
            });
            return;
        }

        foreach (var record in _machine!.RecordTermination(services.Time.GetUtcNow()))
        {
            Append(record);
        }
    }

    /// <summary>Cancels what runs and drops what waits to be dispatched (pending retries, held and gated requests).</summary>
    private void StopDispatching()
    {
        _cancellation.Cancel();
        foreach (var due in _retries)
        {
            due.Timer?.Dispose();
        }

        _retries.Clear();
        _held.Clear();
        _awaitingTenant.Clear();
        _uncharged.Clear();
    }

    private void Append(JournalEntry entry)
    {
        _unacknowledged++;
        services.Journal.Append(entry, this);
    }

    private void Dispatch(ExecutionRequest request, bool delayed)
    {
        if (_machine!.IsPaused)
        {
            _held.Add(request);
            return;
        }

        var delay = delayed && request.Attempt > 1 ? request.Node.Retry.DelayBefore(request.Attempt, Random.Shared.NextDouble()) : TimeSpan.Zero;
        if (delay <= TimeSpan.Zero)
        {
            Submit(request);
            return;
        }

        var due = new RetryDue(request);
        _retries.Add(due);
        due.Timer = self.After(delay, due);
    }

    private void Submit(ExecutionRequest request)
    {
        if (!TenantAllows(request))
        {
            return;
        }

        var machine = _machine!;
        _runScope ??= new LifetimeRunScope(services.Nodes, services.Workers, services.Time, self, machine.Executable, machine.TenantId, machine.LifetimeId, machine.Input, services.Offload, _cancellation.Token);
        _running++;
        services.Workers.Submit(new NodeRun(request, _runScope));
    }

    private void JournalFailed(JournalFailure failure)
    {
        if (_done)
        {
            return;
        }

        if (failure.Error is JournalAppendException { IsSequenceConflict: true })
        {
            Lost(failure);
            return;
        }

        if (_replies.Remove(failure.Entry.Sequence, out var reply))
        {
            reply.TrySetException(new JournalAppendException($"lifetime {self.Key}: record {failure.Entry.Sequence} was not stored: {failure.Error.Message}", failure.Error));
        }

        _cancellation.Cancel();
        _journalFailure = $"journal write failed at record {failure.Entry.Sequence}: {failure.Error.Message}";
        Finish(ExecutionPhase.Failed, null, _journalFailure);
    }

    /// <summary>
    /// Another activation of this lifetime (another process, or a second activation during a membership change)
    /// recorded at the sequence this one was about to use: the store fenced this one off. It dispatches nothing more,
    /// answers its waiters, and is dropped; the next message re-activates the lifetime from the journal as it now is.
    /// </summary>
    private void Lost(JournalFailure failure)
    {
        _lost = true;
        _done = true;
        StopDispatching();
        FenceOwnCharges(failure.Entry.Sequence);
        var lost = new JournalAppendException($"lifetime {self.Key}: another activation recorded record {failure.Entry.Sequence} first; this one stopped (nothing of its own was recorded there); ask again to see the lifetime as it is", failure.Error) { IsSequenceConflict = true };
        foreach (var reply in _replies.Values.Concat(_settleWaiters))
        {
            reply.TrySetException(lost);
        }

        _replies.Clear();
        _settleWaiters.Clear();
    }

    /// <summary>
    /// Fenced off at record <paramref name="fencedAt"/>: this activation's charges whose records were not appended
    /// before it will never be recorded by it. They go back to the ledger marked certain to be lost, for the
    /// activation that won (or the next one) to record as lost, even when it recorded the same attempt itself.
    /// </summary>
    private void FenceOwnCharges(long fencedAt)
    {
        if (_ownKept is not { Count: > 0 } kept || _tenant is not { } tenant)
        {
            return;
        }

        var appended = (_confirmWhenDurable ?? []).Where(kv => kv.Key < fencedAt).Select(kv => kv.Value.Key).ToHashSet();
        foreach (var charge in kept.Values.Where(c => !appended.Contains(c.Key)).ToList())
        {
            kept.Remove(charge.Key);
            tenant.Fenced(charge);
        }

        if (_confirmWhenDurable is { } pending)
        {
            foreach (var sequence in pending.Keys.Where(s => s >= fencedAt).ToList())
            {
                pending.Remove(sequence);
            }
        }

        if (tenant.AskWrite())
        {
            tenant.Actor.Post(WriteLedger.Instance);
        }
    }

    private void Finish(ExecutionPhase phase, Payload? result, string? reason)
    {
        _done = true;
        var machine = _machine!;
        foreach (var reply in _replies.Values)
        {
            reply.TrySetException(new LifetimeControlException(machine.LifetimeId, phase, $"lifetime {machine.LifetimeId} ended ({phase.ToWireName()}) before the request was recorded"));
        }

        _replies.Clear();
        services.CompleteOutcome(new LifetimeOutcome(
            machine.LifetimeId,
            machine.TenantId,
            machine.Graph.Name,
            machine.Graph.Version.ToString(),
            phase,
            result,
            reason,
            machine.ExecutionCount,
            machine.Iterations,
            _startedAt,
            services.Time.GetUtcNow(),
            (long)machine.Usage.Sum(0),
            machine.Usage.Sum(3)));
    }

    private void NotifySettled()
    {
        if (_tenant is { } tenant && (IsSettled || _lost))
        {
            // Nothing of this lifetime will charge until it runs again: let the tenant's budget go (re-acquired then).
            _tenant = null;
            services.Tenants!.Release(tenant);
        }

        if (_settleWaiters.Count == 0 || !IsSettled || _machine is null)
        {
            return;
        }

        var view = View();
        foreach (var waiter in _settleWaiters)
        {
            waiter.TrySetResult(view);
        }

        _settleWaiters.Clear();
    }

    /// <summary>The lifetime as it stands; failed with the reason if the journal refused one of its records (its state machine never saw that record).</summary>
    private LifetimeView View() =>
        _journalFailure is null ? LifetimeView.Of(_machine!) : LifetimeView.Of(_machine!) with { Phase = ExecutionPhase.Failed, Reason = _journalFailure };

    private static TaskCompletionSource<LifetimeView>? Reply(object message) => message switch
    {
        StartLifetime m => m.Durable,
        ActivateLifetime m => m.Reply,
        ControlLifetime m => m.Reply,
        ProvideInput m => m.Reply,
        InspectLifetime m => m.Reply,
        AwaitSettled m => m.Reply,
        _ => null,
    };

    private sealed record PendingOutcome(NodeRun Run, PolicyVerdict Verdict, UsageSample Sample, UnrecordedCharge? Unrecorded = null);

}
