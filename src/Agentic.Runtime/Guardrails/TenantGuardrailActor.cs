using Agentic.Core.Expressions;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Actors;
using Agentic.Runtime.Journal;
using Microsoft.Extensions.Logging;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// Owns one tenant's cumulative and windowed usage. Every execution of the tenant's lifetimes is charged here, one
/// at a time, and judged against the tenant-scope policies with the totals before it; so however many lifetimes
/// run concurrently, once a budget is exhausted every later outcome carries the decision and, through the
/// published <see cref="TenantStanding"/>, nothing new is dispatched: the overshoot is bounded by the executions
/// already running. A charge is replied to only once the ledger holding it is durable (group commit: charges that
/// arrive during a write share the next one), and the lifetime records the outcome only after that reply, so the
/// stored ledger never counts less than the journal.
/// </summary>
internal sealed partial class TenantGuardrailActor(IActorRef<object> self, TenantBudget budget, TenantGuardrails services) : IActor<object>
{
    private readonly GuardrailScope _scope = new() { Tenant = self.Key };
    private readonly Dictionary<string, IReadOnlyList<GuardrailPolicy>> _scoped = new(StringComparer.Ordinal);
    private List<(IActorRef<object> ReplyTo, TenantCharged Reply)> _pending = [];
    private List<object>? _loadingBuffer;
    private TenantLedger? _ledger;
    private PolicySet? _tracked;
    private DateTimeOffset _now;
    private Func<GuardrailPolicy, UsageTotals>? _totals;
    private bool _writing;
    private bool _dirty;

    public bool CanPassivate => _loadingBuffer is null && !_writing && _pending.Count == 0 && !_dirty;

    public void Receive(object message)
    {
        if (_loadingBuffer is not null && message is not TenantLedgerLoaded)
        {
            _loadingBuffer.Add(message);
            return;
        }

        if (_ledger is null && message is not TenantLedgerLoaded)
        {
            _loadingBuffer = [message];
            var store = services.Store;
            var tenant = self.Key;
            var time = services.Time;
            _ = Task.Run(async () => self.Post(await LoadAsync(store, tenant, time).ConfigureAwait(false)));
            return;
        }

        switch (message)
        {
            case TenantLedgerLoaded loaded:
                Loaded(loaded);
                break;
            case ChargeTenant charge:
                Charge(charge);
                break;
            case AssessTenant assess:
                Publish(services.Policies.Current, services.Time.GetUtcNow(), force: true);
                assess.ReplyTo.Post(new TenantAssessed(budget.Standing!));
                break;
            case TenantLedgerWritten written:
                Written(written);
                break;
        }
    }

    private static async Task<TenantLedgerLoaded> LoadAsync(IJournalStore store, string tenant, TimeProvider time)
    {
        try
        {
            return await store.ReadTenantLedgerAsync(tenant, CancellationToken.None).ConfigureAwait(false) is { } state
                ? new TenantLedgerLoaded(TenantLedger.Restore(state.State.Span, tenant, time.GetUtcNow()), null)
                : new TenantLedgerLoaded(null, null);
        }
        catch (Exception ex)
        {
            return new TenantLedgerLoaded(null, $"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Loaded(TenantLedgerLoaded loaded)
    {
        if (loaded.Failure is not null)
        {
            // Refusing every execution of the tenant forever would be worse than counting afresh; say so loudly.
            Interlocked.Increment(ref services.LedgerResetsField);
            LogLedgerUnreadable(services.Logger, self.Key, loaded.Failure);
        }

        _ledger = loaded.Ledger ?? new TenantLedger(self.Key);
        var buffered = _loadingBuffer ?? [];
        _loadingBuffer = null;
        foreach (var message in buffered)
        {
            Receive(message);
        }
    }

    private void Charge(ChargeTenant charge)
    {
        var set = services.Policies.Current;
        var ledger = _ledger!;
        _now = services.Time.GetUtcNow();
        Track(set);
        PolicyDecision? decision = null;
        if (!_scoped.TryGetValue(charge.Graph, out var policies))
        {
            policies = set.For(self.Key, charge.Graph).Where(p => p.Scope == PolicyScope.Tenant).ToArray();
            _scoped[charge.Graph] = policies;
        }

        if (policies.Count > 0)
        {
            _scope.Graph = charge.Graph;
            _scope.LifetimeId = charge.LifetimeId;
            _totals ??= p => _ledger!.TotalsFor(p, _now);
            decision = set.Judge(policies, _scope, charge.Sample, EmptyTotals, _totals, OnError);
        }

        ledger.Charge(charge.Sample, _now);
        Publish(set, _now, force: false);
        var reply = new TenantCharged(charge.Token, decision, set.Version);
        if (services.Store is ISynchronousJournalStore)
        {
            // A store without I/O (in memory) makes nothing durable by waiting: answer now, write behind.
            charge.ReplyTo.Post(reply);
            _dirty = true;
        }
        else
        {
            _pending.Add((charge.ReplyTo, reply));
        }

        Flush();
    }

    /// <summary>Writes the ledger with every charge made since the last write, off the actor; one write at a time.</summary>
    private void Flush()
    {
        if (_writing || (_pending.Count == 0 && !_dirty))
        {
            return;
        }

        _dirty = false;
        var replies = _pending;
        _pending = [];
        _writing = true;
        var state = new TenantLedgerState(self.Key, _ledger!.Charges, _ledger.Capture(_now));
        var store = services.Store;
        services.Write(async () =>
        {
            Exception? error = null;
            try
            {
                await store.WriteTenantLedgerAsync(state, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                error = ex;
            }

            self.Post(new TenantLedgerWritten(replies, error));
        });
    }

    private void Written(TenantLedgerWritten written)
    {
        _writing = false;
        if (written.Error is { } error)
        {
            // The charges stay counted in memory and go out with the next write; the lifetimes are not held for it.
            LogLedgerWriteFailed(services.Logger, error, self.Key);
            _dirty = true;
        }

        foreach (var (replyTo, reply) in written.Replies)
        {
            replyTo.Post(reply);
        }

        // After a failure, retry with the next charge rather than at once: a store that keeps failing must not
        // turn this actor into a loop of writes.
        if (written.Error is null || _pending.Count > 0)
        {
            Flush();
        }
    }

    /// <summary>Judges the totals alone (no execution) against every tenant-scope policy, and publishes what holds.</summary>
    private void Publish(PolicySet set, DateTimeOffset now, bool force)
    {
        _now = now;
        Track(set);
        List<(GuardrailPolicy, PolicyDecision)>? holding = null;
        _scope.Graph = string.Empty;
        _scope.LifetimeId = string.Empty;
        foreach (var policy in set.Policies)
        {
            if (policy.Scope != PolicyScope.Tenant || (policy.Tenant is { } t && t != self.Key))
            {
                continue;
            }

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

        var current = budget.Standing;
        if (!force && holding is null && current is { Holding.Count: 0 } && current.PolicySetVersion == set.Version)
        {
            return;
        }

        budget.Standing = new TenantStanding(set.Version, holding ?? [], holding is null ? null : _ledger!.NextExpiry(now));
    }

    private void Track(PolicySet set)
    {
        if (!ReferenceEquals(set, _tracked))
        {
            _ledger!.Track(set.Policies.Where(p => p.Scope == PolicyScope.Tenant && (p.Tenant is null || p.Tenant == self.Key)));
            _tracked = set;
            _scoped.Clear();
        }
    }

    private void OnError(GuardrailPolicy policy, ExpressionException error) => LogConditionFailed(services.Logger, policy.Name, self.Key, error.Message);

    private static readonly UsageTotals EmptyTotals = new();

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Tenant}: its guardrail ledger could not be read ({Failure}); counting its usage afresh from now")]
    private static partial void LogLedgerUnreadable(ILogger logger, string tenant, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Tenant}: its guardrail ledger could not be written; retrying with the next charge")]
    private static partial void LogLedgerWriteFailed(ILogger logger, Exception error, string tenant);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Policy {Policy} could not be evaluated for tenant {Tenant}: {Error}")]
    private static partial void LogConditionFailed(ILogger logger, string policy, string tenant, string error);
}
