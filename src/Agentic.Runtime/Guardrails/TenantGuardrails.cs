using System.Collections.Concurrent;
using Agentic.Runtime.Journal;
using Microsoft.Extensions.Logging;

namespace Agentic.Runtime.Guardrails;

/// <summary>The tenants' budgets on this silo (one per tenant, loaded on first use) and what their ledger syncs share.</summary>
internal sealed partial class TenantGuardrails : IDisposable
{
    private readonly ConcurrentDictionary<string, TenantBudget> _budgets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _writes = new();
    private readonly Lock _users = new();
    private readonly TimeSpan _idleTimeout;
    private readonly ITimer _evictTimer;
    internal long LedgerResetsField;

    public TenantGuardrails(IPolicySource policies, IJournalStore store, TimeProvider time, TimeSpan idleTimeout, ILogger logger, ITenantLedgerOwner owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        Owner = owner;
        Policies = policies;
        Store = store;
        Time = time;
        Logger = logger;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idleTimeout, TimeSpan.Zero);
        _idleTimeout = idleTimeout;
        _evictTimer = time.CreateTimer(_ => EvictIdle(_idleTimeout), null, idleTimeout, idleTimeout);
    }

    public IPolicySource Policies { get; }

    /// <summary>The cluster's owner of the tenants' ledgers (the tenants' guardrail grains).</summary>
    public ITenantLedgerOwner Owner { get; }

    public IJournalStore Store { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>Ledgers that could not be read at activation (their tenants' lifetimes are refused).</summary>
    public long LedgerResets => Interlocked.Read(ref LedgerResetsField);

    /// <summary>Tenants whose budget is in memory now (tenants idle past the idle timeout are evicted).</summary>
    public int BudgetsInMemory => _budgets.Count;

    /// <summary>The tenant's budget (created on first use; its ledger sync loads it).</summary>
    public TenantBudget For(string tenantId) => _budgets.GetOrAdd(tenantId, id =>
    {
        return new TenantBudget(id, this, Logger);
    });

    /// <summary>
    /// The tenant's budget for a lifetime that will charge it: held in memory until every lifetime using it
    /// <see cref="Release"/>s it, so that no two budgets of one tenant ever exist at once.
    /// </summary>
    public TenantBudget Acquire(string tenantId)
    {
        lock (_users)
        {
            var budget = For(tenantId);
            budget.Users++;
            return budget;
        }
    }

    /// <summary>A lifetime no longer uses the budget (it settled); it may be evicted once idle and fully stored.</summary>
    public void Release(TenantBudget budget)
    {
        lock (_users)
        {
            if (--budget.Users == 0)
            {
                budget.IdleSince = Time.GetTimestamp();
            }
        }
    }

    /// <summary>
    /// Drops the budgets nobody uses, idle for <paramref name="idleFor"/>, whose charges are all stored (or whose
    /// ledger could not be read: a later use reads it again). A tenant's next use loads its ledger from the store.
    /// </summary>
    public int EvictIdle(TimeSpan idleFor)
    {
        var evicted = 0;
        lock (_users)
        {
            foreach (var (tenant, budget) in _budgets)
            {
                if (budget.Users == 0 && (budget.IsUnreadable || !budget.IsLoaded || (budget.Charged <= budget.Stored && !budget.HasUnsentConfirmations)) &&
                    Time.GetElapsedTime(budget.IdleSince) >= idleFor && _budgets.TryRemove(new KeyValuePair<string, TenantBudget>(tenant, budget)))
                {
                    evicted++;
                }
            }
        }

        return evicted;
    }

    public void Dispose()
    {
        _evictTimer.Dispose();
    }

    /// <summary>Runs a ledger write off the actors, tracked so that shutdown waits for it before the store closes.</summary>
    public void Write(Func<Task> write)
    {
        var task = Task.Run(write);
        _writes[task] = 0;
        task.ContinueWith(t => _writes.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Waits for the ledger flushes under way and those they lead to, then sends every tenant's charges not yet stored
    /// (those a write behind was waiting to pick up) to its owner, so that no charge made here is lost with the silo.
    /// </summary>
    public async Task DrainAsync()
    {
        await WritesDoneAsync().ConfigureAwait(false);
        foreach (var budget in _budgets.Values)
        {
            if (budget.IsLoaded && (budget.Charged > budget.Stored || budget.HasUnsentConfirmations))
            {
                var (unsent, charged) = budget.TakeUnsent();
                try
                {
                    await Owner.ChargeAsync(budget.TenantId, unsent, CancellationToken.None).ConfigureAwait(false);
                    budget.Stored = charged;
                }
                catch (Exception ex)
                {
                    LogFinalWriteFailed(Logger, ex, budget.TenantId);
                }
            }
        }
    }

    private async Task WritesDoneAsync()
    {
        for (var quiet = 0; quiet < 3;)
        {
            if (_writes.IsEmpty)
            {
                quiet++;
                await Task.Delay(1).ConfigureAwait(false);
                continue;
            }

            quiet = 0;
            await Task.WhenAll(_writes.Keys).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Tenant}: its guardrail ledger could not be written at shutdown; its latest charges are not stored")]
    private static partial void LogFinalWriteFailed(ILogger logger, Exception error, string tenant);
}
