namespace Agentic.Orleans;

/// <summary>A queue's depth: items waiting for a worker, items leased now, outcomes not yet taken by their executions.</summary>
[GenerateSerializer, Immutable, Alias("agentic.WorkQueueStats")]
public sealed record WorkQueueStats([property: Id(0)] int Waiting, [property: Id(1)] int Leased, [property: Id(2)] int Done);
