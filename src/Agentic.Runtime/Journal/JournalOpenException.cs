namespace Agentic.Runtime.Journal;

/// <summary>
/// A journal store that cannot be used: the file is missing its directory, not a journal, damaged, newer than this
/// build, or not writable. Thrown before anything is read or written, so nothing stored is changed.
/// </summary>
public sealed class JournalOpenException : Exception
{
    public JournalOpenException()
    {
    }

    public JournalOpenException(string message)
        : base(message)
    {
    }

    public JournalOpenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public JournalOpenException(string location, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Location = location;
    }

    /// <summary>The file or connection the store was opened on.</summary>
    public string? Location { get; }
}
