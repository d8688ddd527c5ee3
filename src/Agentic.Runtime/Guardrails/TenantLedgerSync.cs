using Agentic.Core.Guardrails;
using Agentic.Runtime.Journal;
using Microsoft.Extensions.Logging;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// Keeps one tenant's budget on this silo in step with the tenant's ledger owner (the guardrail grain). It loads the
/// ledger into the tenant's <see cref="TenantBudget"/> on first use (lifetimes then charge it there, in order, under its
/// lock), sends the charges made since the last flush to the owner (group commit: charges made during a flush share
/// the next one), answers lifetimes waiting for their charge to be durable once the owner stored it, and re-judges the
/// published standing when asked. A lifetime records an execution only after its charge is
/// durable, so the stored ledger never counts less than the journal; with a store without I/O (in memory) the
/// ledger is written behind and nobody waits. Messages are handled on the poster's thread under a lock (they are
/// short and never wait for I/O: loads and writes run on the thread pool and post their results back), so the
/// ledger's state changes in one order without a mailbox of its own.
/// </summary>
internal sealed partial class TenantLedgerSync(TenantBudget budget, TenantGuardrails services)
{
    private readonly Lock _gate = new();

    private string Key => budget.TenantId;

    /// <summary>How often at most a ledger nobody waits for is written (a store without I/O: durability is moot).</summary>
    internal static readonly TimeSpan WriteBehindInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>The first and the longest wait before a failed write is tried again for lifetimes waiting on it.</summary>
    internal static readonly (TimeSpan First, TimeSpan Longest) RetryBackoff = (TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

    private List<AwaitLedger> _waiting = [];
    private List<object>? _loadingBuffer;
    private ITimer? _writeBehind;
    private ITimer? _retry;
    private TimeSpan _retryDelay = RetryBackoff.First;
    private bool _writing;

    /// <summary>Handles <paramref name="message"/> now, after any other thread's message under way.</summary>
    public void Post(object message)
    {
        lock (_gate)
        {
            Receive(message);
        }
    }

    private void Receive(object message)
    {
        if (_loadingBuffer is not null && message is not TenantLedgerLoaded)
        {
            _loadingBuffer.Add(message);
            return;
        }

        if (!budget.IsLoaded && !budget.IsUnreadable && message is not TenantLedgerLoaded)
        {
            _loadingBuffer = [message];
            var store = services.Store;
            var tenant = Key;
            var time = services.Time;
            _ = Task.Run(async () => Post(await LoadAsync(store, tenant, time).ConfigureAwait(false)));
            return;
        }

        switch (message)
        {
            case TenantLedgerLoaded loaded:
                Loaded(loaded);
                break;
            case AwaitLedger wait:
                _waiting.Add(wait);
                Flush();
                break;
            case WriteLedger:
                // Lifetimes ask at most once until the request is taken; taking it only when the interval is up keeps
                // both their messages and the writes to one per interval.
                _writeBehind ??= services.Time.CreateTimer(static state => ((TenantLedgerSync)state!).Post(WriteBehindDue.Instance), this, WriteBehindInterval, Timeout.InfiniteTimeSpan);
                break;
            case WriteBehindDue:
                _writeBehind?.Dispose();
                _writeBehind = null;
                budget.WriteTaken();
                Flush();
                break;
            case RetryLedgerWrite:
                _retry?.Dispose();
                _retry = null;
                Flush();
                break;
            case AssessTenant assess:
                assess.ReplyTo.Post(new TenantAssessed(budget.Assess(services.Policies.Current, services.Time.GetUtcNow())));
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
            // Counting afresh would hand the tenant its budget again (a bypass): its lifetimes are refused instead, each
            // with a decision saying why, until the ledger is repaired and the runtime restarted.
            Interlocked.Increment(ref services.LedgerResetsField);
            LogLedgerUnreadable(services.Logger, Key, loaded.Failure);
            budget.Unreadable(loaded.Failure);
        }
        else
        {
            budget.Load(loaded.Ledger ?? new TenantLedger(Key));
        }

        var buffered = _loadingBuffer ?? [];
        _loadingBuffer = null;
        foreach (var message in buffered)
        {
            Receive(message);
        }
    }

    /// <summary>Writes the ledger with every charge made since the last write, off the actor; one write at a time.</summary>
    private void Flush()
    {
        if (!budget.IsLoaded)
        {
            // Unreadable: nothing is charged, so nothing is written (a write would replace what could not be read).
            return;
        }

        if (_writing || (budget.Charged <= budget.Stored && _waiting.Count == 0 && !budget.HasUnsentConfirmations))
        {
            return;
        }

        _writing = true;
        // The owner applies this silo's charges after every other silo's, stores the ledger and answers with it.
        var (unsent, covered) = budget.TakeUnsent();
        var tenant = Key;
        var owner = services.Owner;
        services.Write(async () =>
        {
            try
            {
                var owned = await owner.ChargeAsync(tenant, unsent, CancellationToken.None).ConfigureAwait(false);
                Post(new TenantLedgerWritten(covered, null, owned));
            }
            catch (Exception ex)
            {
                Post(new TenantLedgerWritten(covered, ex, Unsent: unsent));
            }
        });
    }

    private void Written(TenantLedgerWritten written)
    {
        _writing = false;
        if (written.Unsent is { } unsent)
        {
            budget.Unsent(unsent);
        }

        if (written.Owned is { } owned)
        {
            budget.Rebase(owned, services.Policies.Current, services.Time.GetUtcNow());
        }

        if (written.Error is { } error)
        {
            // The charges stay counted in memory and go out with the next write (the owner may be a grain whose silo
            // just died: the next call re-activates it on a survivor).
            LogLedgerWriteFailed(services.Logger, error, Key);
            budget.WriteTaken();
        }
        else
        {
            budget.Stored = Math.Max(budget.Stored, written.Charged);
            _retryDelay = RetryBackoff.First;
        }

        if (_waiting.Count > 0)
        {
            var still = new List<AwaitLedger>();
            foreach (var wait in _waiting)
            {
                if (wait.Charge <= written.Charged)
                {
                    wait.ReplyTo.Post(new LedgerDurable(wait.Token));
                }
                else
                {
                    still.Add(wait);
                }
            }

            _waiting = still;
        }

        // Charges made during the write that someone waits for go out at once (group commit). After a failure they go
        // out with the next charge or after a backoff (doubling up to 5 s), whichever comes first: lifetimes waiting
        // for a charge must not wait for another lifetime's charge that may never come, and an owner that keeps
        // failing must not turn this into a loop of writes.
        if (_waiting.Count > 0)
        {
            if (written.Error is null)
            {
                Flush();
            }
            else if (_retry is null)
            {
                _retry = services.Time.CreateTimer(static state => ((TenantLedgerSync)state!).Post(RetryLedgerWrite.Instance), this, _retryDelay, Timeout.InfiniteTimeSpan);
                _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, RetryBackoff.Longest.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Tenant}: its guardrail ledger could not be read ({Failure}); its lifetimes are refused until it is repaired")]
    private static partial void LogLedgerUnreadable(ILogger logger, string tenant, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Tenant {Tenant}: its guardrail ledger could not be written; retrying with the next charge")]
    private static partial void LogLedgerWriteFailed(ILogger logger, Exception error, string tenant);
}
