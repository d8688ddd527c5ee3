using Agentic.Core.Execution;

namespace Agentic.Runtime.Journal;

/// <summary>
/// A store that encodes records before they reach the writer thread: <see cref="Prepare"/> runs on the thread that
/// appends (the lifetime's actor), so the single writer thread spends its time on the transaction only.
/// </summary>
public interface IPreparingJournalStore : IJournalStore
{
    /// <summary>The store's encoded form of <paramref name="entry"/>; must be safe to call from any thread.</summary>
    object Prepare(JournalEntry entry);

    /// <summary>Like <see cref="IJournalStore.AppendAsync"/>, with each record's prepared form alongside.</summary>
    ValueTask AppendPreparedAsync(IReadOnlyList<JournalEntry> batch, IReadOnlyList<object> prepared, CancellationToken cancellationToken);
}
