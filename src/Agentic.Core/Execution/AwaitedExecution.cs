
namespace Agentic.Core.Execution;

/// <summary>An execution a lifetime has dispatched and not yet recorded as finished (Running, or Waiting with its prompt).</summary>
public sealed record AwaitedExecution(string ExecutionId, string NodeName, string NodeType, int Attempt, int Iteration, ExecutionPhase Phase, Payload? Prompt);
