namespace Agentic.Orleans;

/// <summary>
/// One tenant's work queue (key: <see cref="WorkQueueKey"/>): executions of <c>queue</c> task nodes wait here for
/// workers outside the cluster, which poll, lease, heartbeat and report. Its items and leases are grain state, so
/// they outlive the silo that handed them out.
/// </summary>
[Alias("agentic.IWorkQueueGrain")]
public interface IWorkQueueGrain : IGrainWithStringKey
{
    /// <summary>Offers an execution (again, after a recovery: once per execution id; a known one keeps its place and any outcome).</summary>
    [Alias("offer")]
    Task OfferAsync(WorkItem item);

    /// <summary>The execution's outcome once a worker reported it (taking it), or null if none came within <paramref name="wait"/>.</summary>
    [Alias("await-outcome")]
    Task<WorkOutcome?> AwaitOutcomeAsync(string executionId, TimeSpan wait);

    /// <summary>Withdraws an execution nobody needs any more (its lifetime ended or it timed out).</summary>
    [Alias("withdraw")]
    Task WithdrawAsync(string executionId);

    /// <summary>A lease on the oldest waiting item, or null if none came within <paramref name="wait"/>.</summary>
    [Alias("poll")]
    Task<WorkLease?> PollAsync(string worker, TimeSpan wait);

    /// <summary>Extends a lease; <see cref="KeyNotFoundException"/> when it expired (its item was offered again) or was reported.</summary>
    [Alias("heartbeat")]
    Task<WorkLease> HeartbeatAsync(string leaseId);

    /// <summary>Reports a lease's outcome; <see cref="KeyNotFoundException"/> when the lease is no longer held.</summary>
    [Alias("report")]
    Task ReportAsync(string leaseId, WorkOutcome outcome);

    [Alias("stats")]
    Task<WorkQueueStats> StatsAsync();
}
