using Orleans.Placement;

namespace Agentic.Orleans;

/// <summary>Activates the grain beside its lifetime's grain (<see cref="LifetimeLocalPlacement"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class LifetimeLocalPlacementAttribute : PlacementAttribute
{
    public LifetimeLocalPlacementAttribute()
        : base(LifetimeLocalPlacement.Instance)
    {
    }
}
