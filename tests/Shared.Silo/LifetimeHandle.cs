using Agentic.Runtime.Lifetimes;

namespace Agentic.Tests;

/// <summary>A started lifetime: its id (known before anything ran) and its outcome once it ends.</summary>
internal sealed record LifetimeHandle(string LifetimeId, Task<LifetimeOutcome> Completion);
