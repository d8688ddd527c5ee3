using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.Logging;

namespace Agentic.Orleans;

/// <summary>
/// Sends each lifetime phase change to its tenant's feed grain, off the lifetime's turn and in the order of the calls
/// for a tenant (a live view: a failed send is logged, not retried).
/// </summary>
internal sealed partial class TenantPhasePublisher(IGrainFactory grains, ILogger<TenantPhasePublisher> logger) : ILifetimePhaseObserver
{
    // One chain of sends per tenant: a lifetime's changes reach the feed in the order they were recorded.
    private readonly Dictionary<string, Task> _tails = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void PhaseChanged(LifetimePhaseChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var e = new TenantPhaseEvent(change.LifetimeId, change.GraphName, change.GraphVersion, Core.Execution.ExecutionPhaseExtensions.ToWireName(change.Phase), change.Sequence, change.At);
        lock (_gate)
        {
            var tail = _tails.GetValueOrDefault(change.TenantId) ?? Task.CompletedTask;
            Task next = null!;
            next = tail.ContinueWith(_ => SendAsync(change.TenantId, e), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap()
                .ContinueWith(
                    done =>
                    {
                        lock (_gate)
                        {
                            if (_tails.TryGetValue(change.TenantId, out var last) && last == next)
                            {
                                _tails.Remove(change.TenantId);
                            }
                        }
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            _tails[change.TenantId] = next;
        }
    }

    private async Task SendAsync(string tenant, TenantPhaseEvent e)
    {
        try
        {
            await grains.GetGrain<ITenantFeedGrain>(tenant).PublishAsync(e).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogSendFailed(logger, ex, e.LifetimeId, tenant);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The phase change of lifetime {LifetimeId} did not reach tenant {Tenant}'s feed")]
    private static partial void LogSendFailed(ILogger logger, Exception error, string lifetimeId, string tenant);
}
