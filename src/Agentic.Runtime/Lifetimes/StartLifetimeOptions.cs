using Agentic.Core.Execution;

namespace Agentic.Runtime.Lifetimes;

/// <summary>Per-run options: input, tenant, iteration cap override, and an explicit lifetime id if the caller needs one.</summary>
public sealed record StartLifetimeOptions
{
    public Payload? Input { get; init; }

    public string? TenantId { get; init; }

    /// <summary>Overrides the graph's iteration cap for this run.</summary>
    public int? IterationCap { get; init; }

    public string? LifetimeId { get; init; }
}
