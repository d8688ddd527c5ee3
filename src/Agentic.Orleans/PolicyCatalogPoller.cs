using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace Agentic.Orleans;

/// <summary>
/// Keeps the silo's <see cref="TenantPolicySource"/> at the catalog's revision: reads it once the silo is active (its
/// lifetimes wait for that), then asks for changes every <see cref="Interval"/>. A failed read is tried again.
/// </summary>
internal sealed partial class PolicyCatalogPoller(TenantPolicySource source, IGrainFactory grains, TimeProvider time, ILogger<PolicyCatalogPoller> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PolicyCatalogPoller), ServiceLifecycleStage.Active, OnStartAsync, OnStopAsync);

    private Task OnStartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => PollAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task PollAsync(CancellationToken stopping)
    {
        var catalog = grains.GetGrain<IPolicyCatalogGrain>(IPolicyCatalogGrain.Key);
        var failures = 0;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (await catalog.ReadIfChangedAsync(source.Revision).WaitAsync(stopping) is { } changes)
                {
                    source.Apply(changes);
                }
                else if (!source.Loaded.IsCompleted)
                {
                    source.Apply(new PolicyCatalogChanges(source.Revision, []));
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Until a read succeeds, lifetimes starting on this silo wait: say so at once, then every minute.
                if (failures++ % 60 == 0)
                {
                    LogReadFailed(logger, ex, failures, source.Loaded.IsCompleted ? "the policies read before stay in force" : "lifetimes on this silo wait for them");
                }
            }

            try
            {
                await Task.Delay(Interval, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "tenants' policies could not be read from the cluster ({Failures} time(s) in a row); {Consequence}")]
    private static partial void LogReadFailed(ILogger logger, Exception error, int failures, string consequence);
}
