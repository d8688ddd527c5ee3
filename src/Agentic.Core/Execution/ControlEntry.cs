using Agentic.Core.Guardrails;

namespace Agentic.Core.Execution;

/// <summary>A pause, resume or abort of a lifetime, with who asked and why (a guardrail's decision, when one asked).</summary>
public sealed class ControlEntry : JournalEntry
{
    public required LifetimeControl Action { get; init; }

    /// <summary>Who asked (user, service or "cli"; "policy:NAME" for a guardrail); never empty.</summary>
    public required string Actor { get; init; }

    public string? Reason { get; init; }

    /// <summary>Set when a guardrail paused or aborted the lifetime before dispatching more work (e.g. a tenant budget).</summary>
    public PolicyDecision? Decision { get; init; }
}
