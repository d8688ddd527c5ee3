using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Journal;

namespace Agentic.Runtime.Lifetimes;

/// <summary>Starts a lifetime on its (new) actor. <paramref name="Prefix"/> holds a fork's copied records.</summary>
/// <summary>Starts the lifetime (a fork: with the copied records); <paramref name="Durable"/>, when given, is answered once its start (a fork: its last copied record) is durable.</summary>
internal sealed record StartLifetime(AgentGraph Graph, string TenantId, Payload Input, int IterationCap, IReadOnlyList<JournalEntry>? Prefix = null, TaskCompletionSource<LifetimeView>? Durable = null);

/// <summary>Load the lifetime from its journal (if not live) and run on: crash recovery and re-activation.</summary>
internal sealed record ActivateLifetime(TaskCompletionSource<LifetimeView> Reply);

/// <summary>A pause, resume or abort; replied to once its record is durable (or with the refusal).</summary>
internal sealed record ControlLifetime(LifetimeControl Action, string Actor, string? Reason, TaskCompletionSource<LifetimeView> Reply);

/// <summary>Input for a waiting execution; replied to once its record is durable.</summary>
internal sealed record ProvideInput(string ExecutionId, Payload Input, string Actor, TaskCompletionSource<LifetimeView> Reply);

/// <summary>Replied to with the lifetime's state now.</summary>
internal sealed record InspectLifetime(TaskCompletionSource<LifetimeView> Reply);

/// <summary>Replied to when the lifetime has nothing running: ended, paused, or every awaited execution waits for input.</summary>
internal sealed record AwaitSettled(TaskCompletionSource<LifetimeView> Reply);

/// <summary>The machine rebuilt from the journal (and snapshot, if one was used) for a re-activation, or why it could not be.</summary>
internal sealed record JournalLoaded(LifetimeStateMachine? Machine, DateTimeOffset StartedAt, long SnapshotSequence, Exception? Failure)
{
    /// <summary>Charges the tenant's ledger kept for this lifetime's unrecorded attempts (see <see cref="LifetimeLoader"/>).</summary>
    public IReadOnlyList<Core.Guardrails.UnrecordedCharge> Unrecorded { get; init; } = [];

    /// <summary>With <see cref="Unrecorded"/>: the lifetime's execution records as the store holds them.</summary>
    public IReadOnlyList<ExecutionEntry> UnrecordedRecords { get; init; } = [];

    public static JournalLoaded Failed(Exception failure) => new(null, default, 0, failure);
}

/// <summary>The journal refused or failed to store a record of this lifetime.</summary>
internal sealed record JournalFailure(JournalEntry Entry, Exception Error);

/// <summary>A retry's backoff has elapsed.</summary>
internal sealed record RetryDue(ExecutionRequest Request)
{
    public IDisposable? Timer { get; set; }
}

/// <summary>
/// Before its end record: the charges the tenant's ledger still keeps for this lifetime's attempts (those of another
/// activation that went before recording them) and the lifetime's execution records as stored.
/// </summary>
internal sealed record ChargesReconciled(IReadOnlyList<Core.Guardrails.UnrecordedCharge> Charges, IReadOnlyList<ExecutionEntry> Records);
