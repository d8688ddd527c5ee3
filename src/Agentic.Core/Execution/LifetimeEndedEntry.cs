namespace Agentic.Core.Execution;

/// <summary>Last record of a lifetime: Completed (with the result of the final edge), Failed or Aborted (with the reason).</summary>
public sealed class LifetimeEndedEntry : JournalEntry
{
    public required ExecutionPhase Phase { get; init; }

    public Payload? Result { get; init; }

    public string? Reason { get; init; }

    /// <summary>The execution whose final edge, failure or breach ended the lifetime, when there is one.</summary>
    public string? CauseExecutionId { get; init; }

    public required int Iterations { get; init; }

    public required long Executions { get; init; }
}
