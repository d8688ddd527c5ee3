using Agentic.Core.Graphs;

namespace Agentic.Core.Execution;

/// <summary>
/// One execution the lifetime wants run: decided by <see cref="LifetimeStateMachine"/> after the record it depends on is
/// durable. The runtime runs it on a worker and reports the outcome back.
/// </summary>
public sealed class ExecutionRequest
{
    public required string ExecutionId { get; init; }

    public required GraphNode Node { get; init; }

    /// <summary>1-based attempt number.</summary>
    public required int Attempt { get; init; }

    public required int Iteration { get; init; }

    /// <summary>The upstream results: one for ordinary steps, one per branch for a join plan.</summary>
    public required IReadOnlyList<UpstreamResult> Inputs { get; init; }

    public required IReadOnlyList<string> ParentIds { get; init; }

    /// <summary>The edge that led here, as "from->to", or "start".</summary>
    public required string EdgeTaken { get; init; }

    /// <summary>Stable across retries (and, later, across crash recovery): tasks use it to deduplicate side effects.</summary>
    public required string IdempotencyKey { get; init; }

    public BranchFrame? Branch { get; init; }

    /// <summary>The body asked for input: the execution waits for <c>ProvideInput</c>, holding no worker.</summary>
    public bool IsWaiting { get; internal set; }

    /// <summary>What the waiting execution asked (the Waiting record's payload).</summary>
    public Payload? Prompt { get; internal set; }

    /// <summary>For a re-run after recovery (not yet recorded): the attempt the journal's records imply.</summary>
    internal int? JournaledAttempt { get; set; }

    /// <summary>The prepared node of the lifetime's graph, when the lifetime's state machine made this request.</summary>
    internal ExecutableNode? Executable { get; init; }

    /// <summary>Set once the outcome has been turned into a record, so termination never records it twice.</summary>
    internal bool Recorded { get; set; }

    /// <summary>The same execution (idempotency key, inputs) as another attempt; a retry also gets a new execution id.</summary>
    public ExecutionRequest WithAttempt(int attempt, string? executionId = null) => new()
    {
        ExecutionId = executionId ?? ExecutionId,
        Node = Node,
        Executable = Executable,
        Attempt = attempt,
        Iteration = Iteration,
        Inputs = Inputs,
        ParentIds = ParentIds,
        EdgeTaken = EdgeTaken,
        IdempotencyKey = IdempotencyKey,
        Branch = Branch,
        IsWaiting = IsWaiting,
        Prompt = Prompt,
    };

    public override string ToString() => $"{ExecutionId} {Node.Name} attempt {Attempt} iteration {Iteration}";
}
