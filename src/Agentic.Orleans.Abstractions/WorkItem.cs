namespace Agentic.Orleans;

/// <summary>An execution offered on a work queue: what a worker in any language needs to run it.</summary>
[GenerateSerializer, Immutable, Alias("agentic.WorkItem")]
public sealed record WorkItem(
    [property: Id(0)] string ExecutionId,
    [property: Id(1)] string LifetimeId,
    [property: Id(2)] string Node,
    [property: Id(3)] int Attempt,
    [property: Id(4)] string IdempotencyKey,
    [property: Id(5)] string InputJson,
    [property: Id(6)] string ConfigJson);
