using Agentic.Core.Expressions;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Actors;
using Agentic.Runtime.Journal;
using Microsoft.Extensions.Logging;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// One tenant's ledger and its published standing, shared by all the tenant's lifetimes. A lifetime charges each
/// finished execution here, in its own turn, under a lock held for a copy of the totals before it and one addition:
/// the lock puts all the tenant's charges in one order, exactly as a mailbox would, without a message round trip and
/// an extra lifetime turn per execution (workload G); the judgement runs on the copy, outside it. The tenant's
/// <see cref="TenantLedgerSync"/> does the rest: it loads the ledger, writes it, and re-judges the standing when
/// asked.
/// </summary>
internal sealed partial class TenantBudget
{
    private readonly Lock _gate = new();
    private readonly GuardrailScope _scope;
    private readonly Action<GuardrailPolicy, ExpressionException> _onError;
    private readonly ILogger _logger;
    private TenantLedger? _ledger;
    private PolicySet? _tracked;
    private GuardrailPolicy[] _tenantPolicies = [];
    private bool _standingFollowsJudgement;
    private long _charged;
    private int _writeAsked;
    private int _confirmations;
    private volatile TenantStanding? _standing;
    private string? _unreadable;

    // What was charged here since the last flush, summed per window bucket (constant size however many charges), for
    // the tenant's ledger owner to add to the ledger.
    private TenantLedger _unsent;

    public TenantBudget(string tenantId, TenantGuardrails guardrails, ILogger logger)
    {
        TenantId = tenantId;
        _unsent = new TenantLedger(tenantId);
        Actor = new TenantLedgerSync(this, guardrails);
        _logger = logger;
        _scope = new GuardrailScope { Tenant = tenantId };
        _onError = (policy, error) => LogConditionFailed(_logger, policy.Name, TenantId, error.Message);
    }

    public string TenantId { get; }

    /// <summary>Lifetimes holding this budget (<see cref="TenantGuardrails.Acquire"/>); changed under the guardrails' lock.</summary>
    internal int Users { get; set; }

    /// <summary>When <see cref="Users"/> last fell to 0 (a <see cref="TimeProvider"/> timestamp).</summary>
    internal long IdleSince { get; set; }

    /// <summary>What keeps the tenant's ledger stored (loads, writes, durable-charge waits).</summary>
    public TenantLedgerSync Actor { get; }

    /// <summary>Null until the actor has loaded the tenant's ledger and judged it once.</summary>
    public TenantStanding? Standing => _standing;

    /// <summary>Whether the actor has loaded the ledger; until then nothing can be charged.</summary>
    public bool IsLoaded => Volatile.Read(ref _ledger) is not null;

    /// <summary>Charges made in this process; a write carries the count it includes, so waiters know when theirs is stored.</summary>
    public long Charged => Volatile.Read(ref _charged);

    /// <summary>Charges (counted as <see cref="Charged"/> counts them) the store is known to hold. Written by the actor.</summary>
    public long Stored { get; set; }

    /// <summary>
    /// Why the tenant's ledger could not be read, as the decision every lifetime of the tenant is refused with; null
    /// while it is usable. Counting afresh would let a tenant spend its budget again: refusing is the safe side.
    /// </summary>
    public PolicyDecision? Refusal(string policySetVersion) =>
        Volatile.Read(ref _unreadable) is { } reason
            ? new PolicyDecision("tenant-ledger", PolicyScope.Tenant, PolicyAction.AbortLifetime, $"the guardrail ledger of tenant {TenantId} cannot be read ({reason}); its lifetimes are refused until it is repaired", double.NaN, double.NaN, policySetVersion)
            : null;

    public bool IsUnreadable => Volatile.Read(ref _unreadable) is not null;

    /// <summary>The ledger could not be read: refuse the tenant's lifetimes instead of counting afresh.</summary>
    public void Unreadable(string reason) => Volatile.Write(ref _unreadable, reason);

    /// <summary>Takes the ledger the actor read (or started afresh). Once only.</summary>
    public void Load(TenantLedger ledger)
    {
        lock (_gate)
        {
            _ledger ??= ledger;
        }
    }

    /// <summary>
    /// Charges one finished execution: copies the totals before it for each of <paramref name="policies"/> (the
    /// tenant-scope policies of <paramref name="set"/> for its graph) into <paramref name="before"/>, and adds it.
    /// The caller then judges it on those totals, outside the lock, and hands the result to <see cref="Judged"/>.
    /// False, with nothing charged, while the ledger is not loaded. <paramref name="standingFollows"/>: whether that
    /// judgement will also tell the standing after this charge (see <see cref="Judged"/>).
    /// </summary>
    public bool TryCharge(PolicySet set, GuardrailPolicy[] policies, in UsageSample sample, DateTimeOffset now, TenantTotalsBefore before, out long charge, out bool standingFollows) =>
        TryCharge(set, policies, sample, now, before, null, out charge, out standingFollows);

    /// <summary>
    /// <see cref="TryCharge(PolicySet, GuardrailPolicy[], in UsageSample, DateTimeOffset, TenantTotalsBefore, out long, out bool)"/>,
    /// keeping <paramref name="unrecorded"/> with the charge until <see cref="Recorded"/> confirms its record: the
    /// owner then holds what an attempt lost with this host spent, for the lifetime's next activation to record.
    /// </summary>
    public bool TryCharge(PolicySet set, GuardrailPolicy[] policies, in UsageSample sample, DateTimeOffset now, TenantTotalsBefore before, UnrecordedCharge? unrecorded, out long charge, out bool standingFollows)
    {
        // Kept to copies and additions: every execution of the tenant passes through here, and a longer hold made
        // waiters block and wait to be woken far more often (microseconds each) than it saved.
        lock (_gate)
        {
            if (_ledger is not { } ledger)
            {
                charge = 0;
                standingFollows = false;
                return false;
            }

            Track(set);
            before.CopyFrom(ledger, policies, now);
            ledger.Charge(sample, now);
            _unsent.Charge(sample, now);
            if (unrecorded is not null)
            {
                _unsent.AddUnrecorded(unrecorded);
            }

            charge = _charged + 1;
            Volatile.Write(ref _charged, charge);
            standingFollows = _standingFollowsJudgement && policies.Length == _tenantPolicies.Length &&
                _standing is { Holding.Count: 0 } standing && standing.PolicySetVersion == set.Version;
            return true;
        }
    }

    /// <summary>
    /// After a charge was judged: re-judges and publishes the standing, unless the judgement already told it
    /// (<paramref name="standingFollows"/>: every policy of the tenant was judged, each reads only totals, which with
    /// the execution are the totals after it, and none held; then nothing changed).
    /// </summary>
    public void Judged(PolicySet set, PolicyDecision? decision, bool standingFollows, DateTimeOffset now)
    {
        if (decision is null && standingFollows)
        {
            return;
        }

        lock (_gate)
        {
            Publish(set, now, force: false);
        }
    }

    /// <summary>Logs a tenant-scope condition that could not be evaluated (for <see cref="PolicySet.Judge"/>).</summary>
    public Action<GuardrailPolicy, ExpressionException> OnError => _onError;

    /// <summary>Re-judges the standing now (it was missing, possibly expired, or judged under another policy set).</summary>
    public TenantStanding Assess(PolicySet set, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (Refusal(set.Version) is { } refusal)
            {
                _standing = new TenantStanding(set.Version, [], null, refusal);
                return _standing;
            }

            Publish(set, now, force: true);
            return _standing!;
        }
    }

    /// <summary>The record of a charged attempt is durable: the next flush tells the owner to drop what it kept for it.</summary>
    public void Recorded(UnrecordedCharge charge)
    {
        ArgumentNullException.ThrowIfNull(charge);
        lock (_gate)
        {
            _unsent.MarkRecorded(charge.LifetimeId, charge.ExecutionId, charge.Attempt, charge.Activation);
            Volatile.Write(ref _confirmations, _unsent.RecordedCount);
        }
    }

    /// <summary>
    /// The charge's activation was fenced off before recording it: the next flush replaces the kept charge with one
    /// marked certain to be lost, which the lifetime's next reconciliation records whatever the journal holds.
    /// </summary>
    public void Fenced(UnrecordedCharge charge)
    {
        ArgumentNullException.ThrowIfNull(charge);
        lock (_gate)
        {
            _unsent.MarkRecorded(charge.LifetimeId, charge.ExecutionId, charge.Attempt, charge.Activation);
            _unsent.AddUnrecorded(charge with { Activation = charge.Activation + "!", Certain = true });
            Volatile.Write(ref _confirmations, _unsent.RecordedCount);
        }
    }

    /// <summary>Whether confirmations wait for the next flush (a flush may carry nothing else).</summary>
    public bool HasUnsentConfirmations => Volatile.Read(ref _confirmations) > 0;

    /// <summary>What was charged since the last flush, and the count of charges made so far (what a flush of it covers).</summary>
    public (TenantLedger Charges, long Charged) TakeUnsent()
    {
        lock (_gate)
        {
            var unsent = _unsent;
            _unsent = NewUnsent();
            Volatile.Write(ref _confirmations, 0);
            return (unsent, _charged);
        }
    }

    /// <summary>A flush failed: its charges go out again with the next one (nothing is lost; sums do not depend on order).</summary>
    public void Unsent(TenantLedger charges)
    {
        ArgumentNullException.ThrowIfNull(charges);
        lock (_gate)
        {
            charges.Merge(_unsent);
            _unsent = charges;
            Volatile.Write(ref _confirmations, _unsent.RecordedCount);
        }
    }

    /// <summary>
    /// Takes the owner's ledger (every host's charges up to this host's flush) as this host's, with the charges made
    /// here since that flush added again, and re-judges the standing on it.
    /// </summary>
    public void Rebase(TenantLedgerState owned, PolicySet? set, DateTimeOffset now)
    {
        lock (_gate)
        {
            var ledger = TenantLedger.Restore(owned.State.Span, TenantId, now);
            ledger.Merge(_unsent);
            // This copy judges totals; the owner keeps the unconfirmed charges.
            ledger.ForgetUnrecorded();
            ledger.ForgetConfirmations();

            _ledger = ledger;
            _tracked = null;
            if (set is not null)
            {
                Publish(set, now, force: true);
            }
        }
    }

    /// <summary>True for the one caller that should ask the actor to write: one request is outstanding at a time.</summary>
    public bool AskWrite() => Volatile.Read(ref _writeAsked) == 0 && Interlocked.Exchange(ref _writeAsked, 1) == 0;

    /// <summary>The actor took the request; a charge after this asks again. A full fence, so no charge is missed.</summary>
    public void WriteTaken() => Interlocked.Exchange(ref _writeAsked, 0);

    /// <summary>An empty ledger tracking the windows this one does (a charge lands in every tracked window).</summary>
    private TenantLedger NewUnsent()
    {
        var unsent = new TenantLedger(TenantId);
        unsent.Track(_tenantPolicies);
        return unsent;
    }

    /// <summary>Judges the totals alone (no execution) against every tenant-scope policy, and publishes what holds.</summary>
    private void Publish(PolicySet set, DateTimeOffset now, bool force)
    {
        Track(set);
        List<(GuardrailPolicy, PolicyDecision)>? holding = null;
        _scope.Graph = string.Empty;
        _scope.LifetimeId = string.Empty;
        foreach (var policy in _tenantPolicies)
        {
            _scope.Judge(null, _ledger!.TotalsFor(policy, now));
            try
            {
                if (policy.Condition.Holds(_scope))
                {
                    var (subject, measured, threshold) = policy.Condition.Measure(_scope);
                    (holding ??= []).Add((policy, new PolicyDecision(policy.Name, policy.Scope, policy.Action, subject, measured, threshold, set.Version)));
                }
            }
            catch (ExpressionException)
            {
                // A condition that reads the execution (e.g. tokens_used > 100) cannot hold over totals alone.
            }
        }

        var current = _standing;
        if (!force && holding is null && current is { Holding.Count: 0 } && current.PolicySetVersion == set.Version)
        {
            return;
        }

        _standing = new TenantStanding(set.Version, holding ?? [], holding is null ? null : _ledger!.NextExpiry(now));
    }

    private void Track(PolicySet set)
    {
        if (!ReferenceEquals(set, _tracked))
        {
            _tenantPolicies = set.Policies.Where(p => p.Scope == PolicyScope.Tenant && (p.Tenant is null || p.Tenant == TenantId)).ToArray();
            _ledger!.Track(_tenantPolicies);
            _unsent.Track(_tenantPolicies);
            _standingFollowsJudgement = _tenantPolicies.All(p => p.Condition.ReadsOnlyTotals);
            _tracked = set;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy {Policy} could not be evaluated for tenant {Tenant}: {Error}")]
    private static partial void LogConditionFailed(ILogger logger, string policy, string tenant, string error);
}
