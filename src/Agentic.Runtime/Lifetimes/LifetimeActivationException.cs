namespace Agentic.Runtime.Lifetimes;

/// <summary>
/// A lifetime whose journal could be read but cannot be re-activated from it: its stored graph is refused by this
/// build's limits, or its records contradict each other. Recovery marks it failed with this reason and goes on.
/// </summary>
public sealed class LifetimeActivationException : Exception
{
    public LifetimeActivationException()
    {
    }

    public LifetimeActivationException(string message)
        : base(message)
    {
    }

    public LifetimeActivationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LifetimeActivationException(string lifetimeId, string message, long lastSequence, Exception? innerException)
        : base(message, innerException)
    {
        LifetimeId = lifetimeId;
        LastSequence = lastSequence;
    }

    public string? LifetimeId { get; }

    /// <summary>The last record's sequence: the lifetime's end record goes after it.</summary>
    public long LastSequence { get; }
}
