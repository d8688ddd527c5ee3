using Agentic.Runtime.Lifetimes;
using Orleans.Runtime;

namespace Agentic.Orleans;

/// <summary>
/// When the silo stops, sends the tenants' charges this silo has not flushed yet to their guardrail grains while grain
/// calls still work (the first step of the stop, before grains are deactivated and the silo leaves the cluster), so a
/// restarted or surviving silo counts them.
/// </summary>
internal sealed class TenantLedgerDrain(LifetimeServices services) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(TenantLedgerDrain), ServiceLifecycleStage.Active, _ => Task.CompletedTask, OnStopAsync);

    private async Task OnStopAsync(CancellationToken cancellationToken)
    {
        if (services.Tenants is { } tenants)
        {
            await tenants.DrainAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
