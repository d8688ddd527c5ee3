using Orleans.Runtime.Placement;

namespace Agentic.Orleans;

/// <summary>
/// Puts a journal grain on the silo of its lifetime's activation, found in the grain directory: the references it
/// indexes are published there, and a reader following a running lifetime talks to that silo anyway. A lifetime that is
/// not active (parked, ended) has no silo: the grain goes where it is first called from.
/// </summary>
internal sealed class LifetimeLocalPlacementDirector(IGrainFactory grains) : IPlacementDirector
{
    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var compatible = context.GetCompatibleSilos(target);
        // The directory's answer, through Orleans' public management interface (the locator itself is internal).
        var lifetime = grains.GetGrain<IAgentLifetimeGrain>(target.GrainIdentity.Key.ToString());
        var silo = await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(lifetime).ConfigureAwait(false);
        if (silo is not null && compatible.Contains(silo))
        {
            return silo;
        }

        return compatible.Contains(context.LocalSilo) ? context.LocalSilo : compatible[Random.Shared.Next(compatible.Length)];
    }
}
