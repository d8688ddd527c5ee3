namespace Agentic.Core.Execution;

/// <summary>A journal record that does not fit the state rebuilt from the records before it.</summary>
public sealed class JournalDivergenceException : Exception
{
    public JournalDivergenceException(string lifetimeId, long sequence, string message)
        : base($"lifetime {lifetimeId}, record {sequence}: {message}")
    {
        LifetimeId = lifetimeId;
        Sequence = sequence;
    }

    public JournalDivergenceException()
    {
        LifetimeId = string.Empty;
    }

    public JournalDivergenceException(string message)
        : base(message)
    {
        LifetimeId = string.Empty;
    }

    public JournalDivergenceException(string message, Exception innerException)
        : base(message, innerException)
    {
        LifetimeId = string.Empty;
    }

    public string LifetimeId { get; }

    public long Sequence { get; }
}
