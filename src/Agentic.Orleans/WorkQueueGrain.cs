using System.Text.Json;

namespace Agentic.Orleans;

/// <summary>
/// A tenant's work queue. Calls interleave (pollers and executions wait here for seconds); state writes are chained,
/// one at a time. A lease past its deadline (no heartbeat) is taken back and its item offered again, with the next
/// offer number and the same idempotency key. An outcome stays a while after its execution took it, so that the
/// execution's re-run after a recovery gets it instead of running the work again.
/// </summary>
[global::Orleans.Concurrency.Reentrant]
internal sealed class WorkQueueGrain(
    [PersistentState("work-queue", AgenticSiloBuilderExtensions.StorageName)] IPersistentState<WorkQueueState> state,
    TimeProvider time,
    SiloMetrics metrics) : Grain, IWorkQueueGrain
{
    private static readonly TimeSpan DefaultLease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan KeepTaken = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Sweep = TimeSpan.FromMilliseconds(250);
    private readonly LinkedList<(TaskCompletionSource<WorkLease?> Reply, string Worker)> _pollers = new();
    private readonly Dictionary<string, List<TaskCompletionSource<WorkOutcome?>>> _awaiting = new(StringComparer.Ordinal);
    private Task _lastWrite = Task.CompletedTask;
    private IGrainTimer? _expiry;

    private List<WorkEntry> Entries => state.State.Entries;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        EnsureExpiry();
        ShowDepth();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Queue(this.GetPrimaryKeyString(), null);
        return Task.CompletedTask;
    }

    public async Task OfferAsync(WorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (Find(item.ExecutionId) is { } known)
        {
            if (known.Outcome is null && item.Attempt > known.Item.Attempt)
            {
                known.Item = item;
                await SaveAsync();
            }

            return;
        }

        var entry = new WorkEntry { Item = item, LeaseFor = LeaseOf(item) };
        Entries.Add(entry);
        await SaveAsync();
        await HandOutAsync();
    }

    public async Task<WorkOutcome?> AwaitOutcomeAsync(string executionId, TimeSpan wait)
    {
        var entry = Find(executionId) ?? throw new KeyNotFoundException($"execution {executionId} is not on this queue");
        if (entry.Outcome is null)
        {
            var reply = new TaskCompletionSource<WorkOutcome?>(TaskCreationOptions.RunContinuationsAsynchronously);
            (_awaiting.TryGetValue(executionId, out var list) ? list : _awaiting[executionId] = []).Add(reply);
            var first = await Task.WhenAny(reply.Task, Task.Delay(Clamp(wait), time));
            _awaiting.GetValueOrDefault(executionId)?.Remove(reply);
            if (first != reply.Task || Find(executionId) is not { Outcome: not null } reported)
            {
                return null;
            }

            entry = reported;
        }

        if (entry.TakenAt is null)
        {
            entry.TakenAt = time.GetUtcNow();
            await SaveAsync();
        }

        return entry.Outcome;
    }

    public async Task WithdrawAsync(string executionId)
    {
        if (Find(executionId) is { } entry)
        {
            Entries.Remove(entry);
            await SaveAsync();
        }
    }

    public async Task<WorkLease?> PollAsync(string worker, TimeSpan wait)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(worker);
        if (NextWaiting() is { } entry)
        {
            var lease = Lease(entry, worker);
            await SaveAsync();
            return lease;
        }

        var reply = new TaskCompletionSource<WorkLease?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var node = _pollers.AddLast((reply, worker));
        if (await Task.WhenAny(reply.Task, Task.Delay(Clamp(wait), time)) != reply.Task)
        {
            // Timed out: unless an item was handed to this poller in the same turn, it leaves the line.
            if (node.List is not null)
            {
                _pollers.Remove(node);
                return null;
            }
        }

        return await reply.Task;
    }

    public async Task<WorkLease> HeartbeatAsync(string leaseId)
    {
        var entry = Leased(leaseId);
        entry.Deadline = time.GetUtcNow() + entry.LeaseFor;
        await SaveAsync();
        return new WorkLease(leaseId, entry.Item, entry.Offers, entry.Deadline.Value);
    }

    public async Task ReportAsync(string leaseId, WorkOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var entry = Leased(leaseId);
        if (outcome.ResultJson is { } json)
        {
            using var _ = JsonDocument.Parse(json); // refused here, as the worker's error, rather than when the execution reads it
        }

        entry.Outcome = outcome;
        entry.LeaseId = null;
        entry.Deadline = null;
        await SaveAsync();
        if (_awaiting.Remove(entry.Item.ExecutionId, out var waiters))
        {
            foreach (var waiter in waiters)
            {
                waiter.TrySetResult(outcome);
            }
        }
    }

    public Task<WorkQueueStats> StatsAsync() => Task.FromResult(new WorkQueueStats(
        Entries.Count(e => e.Outcome is null && e.LeaseId is null),
        Entries.Count(e => e.LeaseId is not null),
        Entries.Count(e => e.Outcome is not null && e.TakenAt is null)));

    private WorkEntry? Find(string executionId) => Entries.Find(e => e.Item.ExecutionId == executionId);

    private WorkEntry? NextWaiting() => Entries.Find(e => e.Outcome is null && e.LeaseId is null);

    private WorkEntry Leased(string leaseId) =>
        Entries.Find(e => e.LeaseId == leaseId)
        ?? throw new KeyNotFoundException($"lease {leaseId} is not held: it expired (its item was offered again) or was reported");

    private WorkLease Lease(WorkEntry entry, string worker)
    {
        entry.Offers++;
        entry.LeaseId = "lease_" + Guid.NewGuid().ToString("N");
        entry.Deadline = time.GetUtcNow() + entry.LeaseFor;
        entry.Worker = worker;
        EnsureExpiry();
        return new WorkLease(entry.LeaseId, entry.Item, entry.Offers, entry.Deadline.Value);
    }

    /// <summary>Hands waiting items to waiting pollers, oldest first.</summary>
    private async Task HandOutAsync()
    {
        var handed = false;
        while (_pollers.First is { } poller && NextWaiting() is { } entry)
        {
            _pollers.RemoveFirst();
            poller.Value.Reply.TrySetResult(Lease(entry, poller.Value.Worker));
            handed = true;
        }

        if (handed)
        {
            await SaveAsync();
        }
    }

    private void EnsureExpiry()
    {
        _expiry ??= this.RegisterGrainTimer(ExpireAsync, new GrainTimerCreationOptions { DueTime = Sweep, Period = Sweep, Interleave = true, KeepAlive = false });
    }

    private async Task ExpireAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var changed = false;
        foreach (var entry in Entries.Where(e => e.LeaseId is not null && e.Deadline < now))
        {
            entry.LeaseId = null;
            entry.Deadline = null;
            entry.Worker = null;
            changed = true;
        }

        changed |= Entries.RemoveAll(e => e.TakenAt < now - KeepTaken) > 0;
        if (changed)
        {
            await SaveAsync();
            await HandOutAsync();
        }
    }

    private void ShowDepth() =>
        metrics.Queue(this.GetPrimaryKeyString(), (Entries.Count(e => e.Outcome is null && e.LeaseId is null), Entries.Count(e => e.LeaseId is not null)));

    private Task SaveAsync()
    {
        ShowDepth();
        var previous = _lastWrite;
        var write = WriteAfterAsync(previous);
        _lastWrite = write;
        return write;
    }

    private async Task WriteAfterAsync(Task previous)
    {
        try
        {
            await previous;
        }
        catch (Exception)
        {
            // The earlier write's caller saw its failure; this write stores the state as it is now.
        }

        await state.WriteStateAsync();
    }

    private static TimeSpan LeaseOf(WorkItem item)
    {
        using var config = JsonDocument.Parse(item.ConfigJson);
        return config.RootElement.ValueKind == JsonValueKind.Object && config.RootElement.TryGetProperty("lease_seconds", out var seconds) && seconds.TryGetInt32(out var s) && s > 0
            ? TimeSpan.FromSeconds(s)
            : DefaultLease;
    }

    private static TimeSpan Clamp(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : wait;
}
