namespace Agentic.Runtime.Journal;

/// <summary>A record the store refused: gap or duplicate in the sequence, or a storage failure. Nothing of the batch was stored.</summary>
public sealed class JournalAppendException : Exception
{
    public JournalAppendException()
    {
    }

    public JournalAppendException(string message)
        : base(message)
    {
    }

    public JournalAppendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
