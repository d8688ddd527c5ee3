namespace Agentic.Core.Execution;

/// <summary>
/// Builds the first records of a fork: the parent's records up to the fork point, re-keyed to the fork's lifetime id
/// (execution ids are derived from it), the start record naming the parent and the fork point. The parent is untouched.
/// The copies are recorded when the fork is made (<c>recordedAt</c>): the fork's journal never claims records older than
/// the fork; when each copied execution ran stays in its <see cref="ExecutionEntry.StartedAt"/>.
/// </summary>
public static class JournalFork
{
    public static IReadOnlyList<JournalEntry> Rewrite(IReadOnlyList<JournalEntry> parentPrefix, string forkId, long fromSequence, DateTimeOffset? recordedAt = null)
    {
        ArgumentNullException.ThrowIfNull(parentPrefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(forkId);
        if (parentPrefix.Count == 0 || parentPrefix[0] is not LifetimeStartedEntry start)
        {
            throw new ArgumentException("a fork needs the parent's journal from its start record", nameof(parentPrefix));
        }

        var parentId = start.LifetimeId;
        var last = parentPrefix[^1].Sequence;
        if (fromSequence < 1 || fromSequence > last)
        {
            throw new ArgumentOutOfRangeException(nameof(fromSequence), fromSequence, $"lifetime {parentId} has records 1..{last}; fork from one of them");
        }

        var forked = new List<JournalEntry>((int)fromSequence);
        foreach (var entry in parentPrefix)
        {
            if (entry.Sequence > fromSequence)
            {
                break;
            }

            forked.Add(entry switch
            {
                LifetimeStartedEntry s => new LifetimeStartedEntry
                {
                    LifetimeId = forkId,
                    Sequence = s.Sequence,
                    RecordedAt = recordedAt ?? s.RecordedAt,
                    TenantId = s.TenantId,
                    GraphName = s.GraphName,
                    GraphVersion = s.GraphVersion,
                    GraphHash = s.GraphHash,
                    GraphJson = s.GraphJson,
                    Input = s.Input,
                    IterationCap = s.IterationCap,
                    ForkOf = parentId,
                    ForkSequence = fromSequence,
                    PolicySource = s.PolicySource,
                    PriceSource = s.PriceSource,
                },
                // The guardrail decision is kept: replaying the fork's prefix must reach the parent's state at that record.
                ExecutionEntry e => e.Copy(
                    lifetimeId: forkId,
                    executionId: Rekey(e.ExecutionId, parentId, forkId),
                    parentIds: e.ParentIds.Select(p => Rekey(p, parentId, forkId)).ToArray(),
                    idempotencyKey: Rekey(e.IdempotencyKey, parentId, forkId),
                    recordedAt: recordedAt),
                ControlEntry c => new ControlEntry { LifetimeId = forkId, Sequence = c.Sequence, RecordedAt = recordedAt ?? c.RecordedAt, Action = c.Action, Actor = c.Actor, Reason = c.Reason, Decision = c.Decision },
                LifetimeEndedEntry => throw new ArgumentOutOfRangeException(nameof(fromSequence), fromSequence, $"record {entry.Sequence} of lifetime {parentId} is its end; fork from an earlier record"),
                _ => throw new ArgumentException($"unknown journal entry type {entry.GetType().Name}", nameof(parentPrefix)),
            });
        }

        return forked;
    }

    private static string Rekey(string id, string parentId, string forkId) =>
        id.StartsWith(parentId, StringComparison.Ordinal) ? string.Concat(forkId, id.AsSpan(parentId.Length)) : id;
}
