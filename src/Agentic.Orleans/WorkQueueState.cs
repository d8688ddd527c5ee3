namespace Agentic.Orleans;

/// <summary>The stored state of <see cref="WorkQueueGrain"/>: its entries in offer order.</summary>
[GenerateSerializer, Alias("agentic.WorkQueueState")]
public sealed class WorkQueueState
{
    [Id(0)]
    public List<WorkEntry> Entries { get; init; } = [];
}
