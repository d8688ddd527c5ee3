using Agentic.Core.Execution;

namespace Agentic.Runtime.Journal;

/// <summary>
/// Which lifetimes to list: newest first (by start, then id), optionally of one tenant, graph or phase, a page of
/// <see cref="Limit"/> after <see cref="After"/> (the last one of the previous page: stable while lifetimes start).
/// </summary>
public sealed record LifetimeQuery
{
    public ExecutionPhase? Phase { get; init; }

    public string? TenantId { get; init; }

    public string? GraphName { get; init; }

    public LifetimeCursor? After { get; init; }

    public int Limit { get; init; } = 100;
}
