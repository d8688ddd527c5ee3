namespace Agentic.Runtime.Lifetimes;

/// <summary>A started lifetime: its id (known before anything ran) and its completion.</summary>
public sealed record LifetimeHandle(string LifetimeId, Task<LifetimeOutcome> Completion);
