namespace Agentic.Core.Execution;

/// <summary>First record of every lifetime: the graph it is pinned to (name, version, hash and canonical form), tenant, input.</summary>
public sealed class LifetimeStartedEntry : JournalEntry
{
    public required string TenantId { get; init; }

    public required string GraphName { get; init; }

    public required string GraphVersion { get; init; }

    public required string GraphHash { get; init; }

    /// <summary>Canonical JSON of the graph, so the journal alone can replay the lifetime.</summary>
    public required string GraphJson { get; init; }

    public required Payload Input { get; init; }

    public required int IterationCap { get; init; }

    /// <summary>For a fork: the lifetime whose journal prefix this one shares.</summary>
    public string? ForkOf { get; init; }

    /// <summary>For a fork: the last sequence number shared with <see cref="ForkOf"/>.</summary>
    public long ForkSequence { get; init; }

    /// <summary>The guardrail policies the lifetime runs under (a file or folder path, or <c>set:VERSION</c>); null: none.</summary>
    public string? PolicySource { get; init; }

    /// <summary>The model price file its usage is costed with; null: none (cost 0).</summary>
    public string? PriceSource { get; init; }
}
