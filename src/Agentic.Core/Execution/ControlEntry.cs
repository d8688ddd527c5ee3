namespace Agentic.Core.Execution;

/// <summary>A pause, resume or abort of a lifetime, with who asked and why.</summary>
public sealed class ControlEntry : JournalEntry
{
    public required LifetimeControl Action { get; init; }

    /// <summary>Who asked (user, service or "cli"); never empty.</summary>
    public required string Actor { get; init; }

    public string? Reason { get; init; }
}
