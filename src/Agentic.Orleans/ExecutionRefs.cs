using Agentic.Core.Execution;

namespace Agentic.Orleans;

/// <summary>The reference of a durable record, as published on the lifetime's stream and indexed by its journal grain.</summary>
internal static class ExecutionRefs
{
    /// <summary>The stream provider the references travel on (memory streams embedded; configuration chooses in a cluster).</summary>
    public const string StreamProvider = "agentic";

    /// <summary>The stream namespace; the stream key is the partition (<see cref="PartitionOf"/>).</summary>
    public const string Namespace = "agentic.journal";

    /// <summary>
    /// Streams the references are spread over. A stream per lifetime cost a memory-stream event per record (~50 us
    /// of CPU each, docs/performance.md); a few partitions carry one event per flush window each.
    /// </summary>
    public const int Partitions = 8;

    /// <summary>The partition of a lifetime, the same on every silo (FNV-1a of the id, not the process-seeded string hash).</summary>
    public static string PartitionOf(string lifetimeId)
    {
        ArgumentNullException.ThrowIfNull(lifetimeId);
        var hash = 2166136261u;
        foreach (var c in lifetimeId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return "p" + (hash % Partitions).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public static ExecutionRef Of(JournalEntry entry) => entry switch
    {
        ExecutionEntry e => new ExecutionRef(e.LifetimeId, e.Sequence, e.NodeKind == Core.Graphs.NodeKind.Task ? "task" : "plan", e.ExecutionId, e.NodeName, e.Phase.ToWireName(), e.Telemetry.TokensUsed, e.Telemetry.CostUsd, e.Result?.Blob?.Uri, e.RecordedAt),
        LifetimeStartedEntry s => new ExecutionRef(s.LifetimeId, s.Sequence, "started", null, null, ExecutionPhase.Running.ToWireName(), 0, 0, null, s.RecordedAt),
        ControlEntry c => new ExecutionRef(c.LifetimeId, c.Sequence, "control", null, null, c.Action.ToString().ToLowerInvariant(), 0, 0, null, c.RecordedAt),
        LifetimeEndedEntry end => new ExecutionRef(end.LifetimeId, end.Sequence, "ended", null, null, end.Phase.ToWireName(), 0, 0, end.Result?.Blob?.Uri, end.RecordedAt),
        _ => throw new ArgumentException($"unknown journal entry {entry.GetType().Name}", nameof(entry)),
    };
}
