using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agentic.Orleans;

/// <summary>
/// Wakes the lifetimes a dead silo owned. Their journals survive the silo; their activations do not, and nothing else
/// would call them. This service follows the cluster's membership: when it sees a silo declared dead (and once when
/// its silo joins, which covers a restart of the whole cluster), the oldest active silo activates every unfinished
/// lifetime in the journal. A lifetime still active on a live silo answers at once; one whose silo died re-activates
/// on a survivor from snapshot + records and runs what was dispatched but unrecorded again as attempt + 1 with the
/// same idempotency key. Reminders are not used: they would cost a stored row per lifetime and still fire only after
/// their period, where membership tells within the death-detection time.
/// </summary>
internal sealed partial class LifetimeRecoveryService(IClusterMembershipService membership, ILocalSiloDetails local, IGrainFactory grains, LifetimeServices services, Microsoft.Extensions.Options.IOptions<AgenticSiloOptions> options, ILogger<LifetimeRecoveryService> logger) : BackgroundService
{
    // Up to 6 rounds of calls, pausing 0.5, 1, 2, 4 and 8 s between them.
    private const int Rounds = 6;
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dead = new HashSet<SiloAddress>();
        var joined = false;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var newlyDead = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress)).Select(m => m.SiloAddress).ToList();
                var active = snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress).ToList();
                if (!active.Contains(local.SiloAddress))
                {
                    continue;
                }

                var firstTimeActive = !joined;
                joined = true;
                // One silo recovers, the same one on every silo's view: the oldest (lowest generation) that is active.
                var leader = active.OrderBy(a => a.Generation).ThenBy(a => a.ToString(), StringComparer.Ordinal).First();
                // A silo that is stopping itself recovers nothing: the lifetimes would only be dropped again with it.
                if ((newlyDead.Count > 0 || (firstTimeActive && options.Value.RecoverOnStart)) && leader.Equals(local.SiloAddress) && !stoppingToken.IsCancellationRequested)
                {
                    await RecoverAsync(newlyDead, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RecoverAsync(List<SiloAddress> dead, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> unfinished;
        try
        {
            unfinished = await services.Store.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogListFailed(logger, ex);
            return;
        }

        LogRecovering(logger, unfinished.Count, dead.Count == 0 ? "the silo joined" : "silo(s) died: " + string.Join(", ", dead));
        // Right after a death the directory may still route a call to the dead silo (connection refused) or fail to
        // register the new activation: those calls are made again, with a growing pause, while membership settles.
        IReadOnlyCollection<string> pending = unfinished;
        var failures = new Dictionary<string, Exception>(StringComparer.Ordinal);
        for (var round = 0; pending.Count > 0; round++)
        {
            if (round > 0)
            {
                await Task.Delay(RetryPause * (1 << Math.Min(round - 1, 4)), cancellationToken).ConfigureAwait(false);
            }

            var results = await grains.ActivateLifetimesAsync(pending, cancellationToken).ConfigureAwait(false);
            failures = results.Where(r => r.Value is not null).ToDictionary(r => r.Key, r => r.Value!, StringComparer.Ordinal);
            if (failures.Count == 0 || round + 1 == Rounds)
            {
                break;
            }

            var first = failures.First().Value.Message;
            LogRetrying(logger, failures.Count, first);
            pending = failures.Keys;
        }

        foreach (var (id, error) in failures)
        {
            LogActivationFailed(logger, id, error.Message);
        }

        LogRecovered(logger, unfinished.Count - failures.Count, failures.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovery: {Count} lifetime(s) could not be activated yet (first: {Reason}); calling them again")]
    private static partial void LogRetrying(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovering {Count} unfinished lifetime(s): {Why}")]
    private static partial void LogRecovering(ILogger logger, int count, string why);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recovery activated {Activated} lifetime(s); {Failed} could not be re-activated")]
    private static partial void LogRecovered(ILogger logger, int activated, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lifetime {LifetimeId} could not be re-activated: {Reason}")]
    private static partial void LogActivationFailed(ILogger logger, string lifetimeId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recovery could not list the unfinished lifetimes")]
    private static partial void LogListFailed(ILogger logger, Exception error);
}
