using Agentic.Core.Execution;

namespace Agentic.Runtime.Journal;

/// <summary>
/// A store whose append does no I/O (in-memory): the <see cref="JournalWriter"/> commits such records inline on the
/// caller's thread instead of handing them to its writer thread.
/// </summary>
public interface ISynchronousJournalStore : IJournalStore
{
    void Append(JournalEntry entry);
}
