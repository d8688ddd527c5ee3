using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Lifetimes;

/// <summary>Starts a lifetime on its (new) actor.</summary>
internal sealed record StartLifetime(AgentGraph Graph, string TenantId, Payload Input, int IterationCap, TaskCompletionSource<LifetimeOutcome> Completion);

/// <summary>The journal refused or failed to store a record of this lifetime.</summary>
internal sealed record JournalFailure(JournalEntry Entry, Exception Error);

/// <summary>A retry's backoff has elapsed.</summary>
internal sealed record RetryDue(ExecutionRequest Request)
{
    public ITimer? Timer { get; set; }
}
