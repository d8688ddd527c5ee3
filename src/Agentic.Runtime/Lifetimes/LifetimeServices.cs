using Agentic.Runtime.Blobs;
using Microsoft.Extensions.Logging;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Nodes;
using Agentic.Runtime.Workers;

namespace Agentic.Runtime.Lifetimes;

/// <summary>
/// What every lifetime actor on a silo shares: journal writer, execution dispatch, node registry, clock, observers and
/// tenant budgets. One per silo.
/// </summary>
internal sealed class LifetimeServices(JournalWriter journal, ExecutionDispatch workers, NodeRegistry nodes, TimeProvider time, PayloadOffload offload, int snapshotEvery, Guardrails.IPolicySource? policies = null) : IAsyncDisposable
{
    /// <summary>Everything a host needs to run lifetimes over <paramref name="store"/>, from the runtime's options.</summary>
    public static LifetimeServices Create(NodeRegistry nodes, IJournalStore store, Hosting.AgenticRuntimeOptions options, TimeProvider time, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory, IEnumerable<IJournalObserver>? observers, IBlobStore? blobs, Guardrails.IPolicySource? policies, Core.Models.ModelPriceTable? prices, IExecutionDispatcher executor, Guardrails.ITenantLedgerOwner ledgerOwner)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ArgumentOutOfRangeException.ThrowIfNegative(options.InlineResultLimit);
        ArgumentOutOfRangeException.ThrowIfNegative(options.SnapshotEvery);
        var writer = new JournalWriter(store, options.JournalMaxBatch, loggerFactory.CreateLogger<JournalWriter>());
        var services = new LifetimeServices(writer, new ExecutionDispatch(options.Workers, executor), nodes, time, new PayloadOffload(blobs, options.InlineResultLimit), options.SnapshotEvery, policies)
        {
            Settings = new LifetimeSettings(policies?.Origin, prices is null || prices.IsEmpty ? null : prices.Source),
        };
        foreach (var observer in observers ?? [])
        {
            services.AddObserver(observer);
        }

        if (policies is not null)
        {
            services.Tenants = new Guardrails.TenantGuardrails(policies, store, time, options.TenantIdleTimeout, loggerFactory.CreateLogger("Agentic.Runtime.Guardrails"), ledgerOwner);
        }

        return services;
    }

    /// <summary>
    /// Appends the end record (failed, with the reason) of a lifetime whose journal reads but cannot be rebuilt, so that
    /// recovery stops meeting it; false if another writer appended meanwhile (it is theirs now). Every host's recovery uses it.
    /// </summary>
    public async Task<bool> MarkFailedAsync(string lifetimeId, LifetimeActivationException reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        await foreach (var last in Store.ReadAsync(lifetimeId, reason.LastSequence, CancellationToken.None).ConfigureAwait(false))
        {
            if (last is Core.Execution.LifetimeEndedEntry || last.Sequence > reason.LastSequence)
            {
                return false; // already ended (marked before), or someone appended since
            }
        }

        var end = new Core.Execution.LifetimeEndedEntry
        {
            LifetimeId = lifetimeId,
            Sequence = reason.LastSequence + 1,
            RecordedAt = Time.GetUtcNow(),
            Phase = Core.Execution.ExecutionPhase.Failed,
            Reason = reason.Message,
            Iterations = 0,
            Executions = 0,
        };
        var stored = new StoredCallback();
        Journal.Append(end, stored);
        try
        {
            await stored.Task.ConfigureAwait(false);
            return true;
        }
        catch (JournalAppendException)
        {
            return false;
        }
    }

    /// <summary>Stores the tenants' ledgers and flushes the journal (after the lifetimes stopped taking messages).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Tenants is { } tenants)
        {
            tenants.Dispose();
            await tenants.DrainAsync().ConfigureAwait(false);
        }

        await Journal.DisposeAsync().ConfigureAwait(false);
        Telemetry.Dispose();
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource<LifetimeOutcome>> _outcomes = new(StringComparer.Ordinal);
    private IJournalObserver[] _observers = [];

    public IJournalStore Store => Journal.Store;

    /// <summary>
    /// The outcome of a lifetime, completed when its end record is durable. Kept here, not in the actor, because
    /// a lifetime may passivate (waiting, paused) and re-activate many times before it ends.
    /// </summary>
    public Task<LifetimeOutcome> Outcome(string lifetimeId) =>
        _outcomes.GetOrAdd(lifetimeId, static _ => new TaskCompletionSource<LifetimeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void CompleteOutcome(LifetimeOutcome outcome)
    {
        if (_outcomes.TryRemove(outcome.LifetimeId, out var waiter))
        {
            waiter.TrySetResult(outcome);
        }
    }

    /// <summary>Forgets a lifetime's outcome without completing it (it was never re-activated here).</summary>
    public void DropOutcome(string lifetimeId) => _outcomes.TryRemove(lifetimeId, out _);

    public void FailOutcome(string lifetimeId, Exception error)
    {
        if (_outcomes.TryRemove(lifetimeId, out var waiter))
        {
            waiter.TrySetException(error);
        }
    }

    public JournalWriter Journal { get; } = journal;

    public ExecutionDispatch Workers { get; } = workers;

    public NodeRegistry Nodes { get; } = nodes;

    public TimeProvider Time { get; } = time;

    public PayloadOffload Offload { get; } = offload;

    public ActivationCounters Counters { get; } = new();

    /// <summary>Told of every listed-phase change (a host's live feed of its tenants' lifetimes); none: nobody is.</summary>
    public ILifetimePhaseObserver? PhaseObserver { get; set; }

    /// <summary>Spans and metrics made from durable records.</summary>
    internal Diagnostics.LifetimeTelemetry Telemetry { get; } = new(() => workers.InFlight);

    /// <summary>Guardrail policies in force (none: nothing is judged).</summary>
    public Guardrails.IPolicySource? Policies { get; } = policies;

    /// <summary>The policies and prices this runtime runs lifetimes under (recorded at start, checked at re-activation).</summary>
    public LifetimeSettings Settings { get; init; } = LifetimeSettings.None;

    /// <summary>Tenant guardrail actors (set whenever policies are: a reload may add tenant-scope ones).</summary>
    public Guardrails.TenantGuardrails? Tenants { get; set; }

    /// <summary>Records between snapshots of a lifetime's state; 0: never.</summary>
    public int SnapshotEvery { get; } = snapshotEvery;

    public IJournalObserver[] Observers => Volatile.Read(ref _observers);

    public void AddObserver(IJournalObserver observer)
    {
        IJournalObserver[] current, next;
        do
        {
            current = Volatile.Read(ref _observers);
            next = [.. current, observer];
        }
        while (Interlocked.CompareExchange(ref _observers, next, current) != current);
    }

    public void RemoveObserver(IJournalObserver observer)
    {
        IJournalObserver[] current, next;
        do
        {
            current = Volatile.Read(ref _observers);
            next = current.Where(o => !ReferenceEquals(o, observer)).ToArray();
        }
        while (Interlocked.CompareExchange(ref _observers, next, current) != current);
    }

    private sealed class StoredCallback : IJournalCallback
    {
        private readonly TaskCompletionSource _stored = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => _stored.Task;

        public void OnDurable(Core.Execution.JournalEntry entry) => _stored.TrySetResult();

        public void OnFailed(Core.Execution.JournalEntry entry, Exception error) => _stored.TrySetException(error is JournalAppendException ? error : new JournalAppendException(error.Message, error));
    }
}
