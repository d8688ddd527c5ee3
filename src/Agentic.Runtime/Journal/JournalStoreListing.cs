using Agentic.Core.Execution;

namespace Agentic.Runtime.Journal;

/// <summary>The listing as callers used it before queries: newest first, optionally by phase.</summary>
public static class JournalStoreListing
{
    public static ValueTask<IReadOnlyList<LifetimeSummary>> ListLifetimesAsync(this IJournalStore store, ExecutionPhase? phase, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store.ListLifetimesAsync(new LifetimeQuery { Phase = phase, Limit = limit }, cancellationToken);
    }
}
