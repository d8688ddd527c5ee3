using Agentic.Core.Execution;
using Agentic.Runtime.Journal;

namespace Agentic.Runtime.Lifetimes;

/// <summary>Reads whole journals for replay, fork and finished-lifetime outcomes.</summary>
public static class LifetimeReplay
{
    /// <summary>Every record of the lifetime in sequence order; an unknown id is a <see cref="KeyNotFoundException"/>.</summary>
    public static async Task<IReadOnlyList<JournalEntry>> ReadAsync(IJournalStore store, string lifetimeId, CancellationToken cancellationToken)
    {
        var records = new List<JournalEntry>();
        await foreach (var record in store.ReadAsync(lifetimeId, 1, cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
        }

        return records.Count > 0 ? records : throw new KeyNotFoundException($"lifetime {lifetimeId} is not in the journal");
    }

    /// <summary>How the lifetime ended, from its start and end records; one that has not ended is refused.</summary>
    public static LifetimeOutcome OutcomeOf(IReadOnlyList<JournalEntry> records)
    {
        var start = (LifetimeStartedEntry)records[0];
        var end = records[^1] as LifetimeEndedEntry ?? throw new InvalidOperationException($"lifetime {start.LifetimeId} has not ended");
        return new LifetimeOutcome(start.LifetimeId, start.TenantId, start.GraphName, start.GraphVersion, end.Phase, end.Result, end.Reason, end.Executions, end.Iterations, start.RecordedAt, end.RecordedAt);
    }
}
