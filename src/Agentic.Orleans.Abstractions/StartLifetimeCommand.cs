namespace Agentic.Orleans;

/// <summary>Starts a lifetime of a graph given in its canonical JSON form (what the journal pins).</summary>
[GenerateSerializer, Immutable, Alias("agentic.StartLifetimeCommand")]
public sealed record StartLifetimeCommand(
    [property: Id(0)] string GraphJson,
    [property: Id(1)] string TenantId,
    [property: Id(2)] PayloadData? Input,
    [property: Id(3)] int? IterationCap);
