namespace Agentic.Core.Execution;

/// <summary>A control operation or input that the lifetime's current phase does not allow; nothing was recorded.</summary>
public sealed class LifetimeControlException : InvalidOperationException
{
    public LifetimeControlException(string lifetimeId, ExecutionPhase phase, string message)
        : base(message)
    {
        LifetimeId = lifetimeId;
        Phase = phase;
    }

    public LifetimeControlException()
    {
        LifetimeId = string.Empty;
    }

    public LifetimeControlException(string message)
        : base(message)
    {
        LifetimeId = string.Empty;
    }

    public LifetimeControlException(string message, Exception innerException)
        : base(message, innerException)
    {
        LifetimeId = string.Empty;
    }

    public string LifetimeId { get; }

    /// <summary>The lifetime's phase when the operation was refused.</summary>
    public ExecutionPhase Phase { get; }
}
