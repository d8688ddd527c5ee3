namespace Agentic.Runtime.Journal;

/// <summary>Where a page of the lifetime listing ended: the start time and id of its last lifetime.</summary>
public sealed record LifetimeCursor(DateTimeOffset StartedAt, string LifetimeId)
{
    public static LifetimeCursor Of(LifetimeSummary last)
    {
        ArgumentNullException.ThrowIfNull(last);
        return new LifetimeCursor(last.StartedAt, last.LifetimeId);
    }

    /// <summary>Whether <paramref name="summary"/> comes after this cursor in listing order (newest first, then id descending).</summary>
    public bool Precedes(LifetimeSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.StartedAt < StartedAt || (summary.StartedAt == StartedAt && string.CompareOrdinal(summary.LifetimeId, LifetimeId) < 0);
    }
}
