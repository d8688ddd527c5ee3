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
        IsSequenceConflict = innerException is JournalAppendException { IsSequenceConflict: true };
    }

    /// <summary>
    /// The record's sequence number was taken or skipped: another writer (another process, or a second activation)
    /// appended to the lifetime first. Nothing of the batch was stored; the lifetime is as that writer left it.
    /// </summary>
    public bool IsSequenceConflict { get; init; }
}
