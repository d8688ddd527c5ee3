using Agentic.Core.Execution;

namespace Agentic.Orleans;

/// <summary>The reference of a durable record, as published on the lifetime's stream and indexed by its journal grain.</summary>
internal static class ExecutionRefs
{
    /// <summary>The stream provider the references travel on (memory streams embedded; configuration chooses in a cluster).</summary>
    public const string StreamProvider = "agentic";

    /// <summary>The stream namespace; the stream key is the lifetime id.</summary>
    public const string Namespace = "agentic.journal";

    public static ExecutionRef Of(JournalEntry entry) => entry switch
    {
        ExecutionEntry e => new ExecutionRef(e.LifetimeId, e.Sequence, e.NodeKind == Core.Graphs.NodeKind.Task ? "task" : "plan", e.ExecutionId, e.NodeName, e.Phase.ToWireName(), e.Telemetry.TokensUsed, e.Telemetry.CostUsd, e.Result?.Blob?.Uri, e.RecordedAt),
        LifetimeStartedEntry s => new ExecutionRef(s.LifetimeId, s.Sequence, "started", null, null, ExecutionPhase.Running.ToWireName(), 0, 0, null, s.RecordedAt),
        ControlEntry c => new ExecutionRef(c.LifetimeId, c.Sequence, "control", null, null, c.Action.ToString().ToLowerInvariant(), 0, 0, null, c.RecordedAt),
        LifetimeEndedEntry end => new ExecutionRef(end.LifetimeId, end.Sequence, "ended", null, null, end.Phase.ToWireName(), 0, 0, end.Result?.Blob?.Uri, end.RecordedAt),
        _ => throw new ArgumentException($"unknown journal entry {entry.GetType().Name}", nameof(entry)),
    };
}
