namespace Agentic.Runtime.Lifetimes;

/// <summary>
/// A lifetime was not re-activated because it was started under other policies or prices than this runtime enforces
/// (or those files are gone). Nothing was recorded; it stays as it was in the journal.
/// </summary>
public sealed class LifetimeSettingsException : Exception
{
    public LifetimeSettingsException()
    {
    }

    public LifetimeSettingsException(string message)
        : base(message)
    {
    }

    public LifetimeSettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LifetimeSettingsException(string lifetimeId, LifetimeSettings recorded, LifetimeSettings runtime)
        : base($"lifetime {lifetimeId} was started under {recorded.Describe()}; this runtime runs {runtime.Describe()}. Re-activate it under the settings it started with (the CLI does so itself)")
    {
        LifetimeId = lifetimeId;
        Recorded = recorded;
    }

    public string? LifetimeId { get; }

    /// <summary>The settings the lifetime was started under.</summary>
    public LifetimeSettings? Recorded { get; }
}
