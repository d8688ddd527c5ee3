using Agentic.Core.Execution;

namespace Agentic.Runtime.Lifetimes;

/// <summary>A lifetime's listed phase after its record <paramref name="Sequence"/>, recorded at <paramref name="At"/>.</summary>
public sealed record LifetimePhaseChange(string LifetimeId, string TenantId, string GraphName, string GraphVersion, ExecutionPhase Phase, long Sequence, DateTimeOffset At);
