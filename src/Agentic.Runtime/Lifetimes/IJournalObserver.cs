using Agentic.Core.Execution;

namespace Agentic.Runtime.Lifetimes;

/// <summary>Sees every record once it is durable, in sequence order per lifetime. Called on the lifetime's actor: keep it cheap.</summary>
public interface IJournalObserver
{
    void OnRecorded(JournalEntry entry);
}
