namespace Agentic.Client;

/// <summary>One page of the tenant's lifetimes, newest first; <see cref="Next"/> is the following page's cursor (null: the last page).</summary>
public sealed record LifetimePage(IReadOnlyList<LifetimeSummary> Lifetimes, string? Next);
