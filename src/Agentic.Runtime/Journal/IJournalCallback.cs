using Agentic.Core.Execution;

namespace Agentic.Runtime.Journal;

/// <summary>Told by the <see cref="JournalWriter"/> when a record is durable, or could not be stored.</summary>
public interface IJournalCallback
{
    void OnDurable(JournalEntry entry);

    void OnFailed(JournalEntry entry, Exception error);
}
