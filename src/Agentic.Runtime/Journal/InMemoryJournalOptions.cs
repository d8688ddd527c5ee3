namespace Agentic.Runtime.Journal;

/// <summary>Settings of the <see cref="InMemoryJournalStore"/>.</summary>
public sealed class InMemoryJournalOptions
{
    /// <summary>
    /// How many finished lifetimes (their journal holds the end record) stay readable; beyond this the oldest finished
    /// lifetime is forgotten, journal and snapshot, so a long-running in-memory host holds bounded memory. Lifetimes
    /// still running are never dropped. Null (the default) keeps every journal, as tests that read them back need.
    /// </summary>
    public int? RetainFinishedLifetimes { get; set; }
}
