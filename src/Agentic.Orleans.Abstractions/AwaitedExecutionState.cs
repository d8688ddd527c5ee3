namespace Agentic.Orleans;

/// <summary>An execution a lifetime waits on: running, or waiting for a person's input (with its prompt).</summary>
[GenerateSerializer, Immutable, Alias("agentic.AwaitedExecutionState")]
public sealed record AwaitedExecutionState(
    [property: Id(0)] string ExecutionId,
    [property: Id(1)] string NodeName,
    [property: Id(2)] string NodeType,
    [property: Id(3)] int Attempt,
    [property: Id(4)] int Iteration,
    [property: Id(5)] string Phase,
    [property: Id(6)] PayloadData? Prompt);
