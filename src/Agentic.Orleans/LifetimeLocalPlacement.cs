namespace Agentic.Orleans;

/// <summary>Places a grain keyed by a lifetime id on the silo where that lifetime's grain is active (else where it is called from).</summary>
[GenerateSerializer, Immutable, Alias("agentic.LifetimeLocalPlacement")]
public sealed class LifetimeLocalPlacement : PlacementStrategy
{
    internal static LifetimeLocalPlacement Instance { get; } = new();
}
