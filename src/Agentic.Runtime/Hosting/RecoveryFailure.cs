namespace Agentic.Runtime.Hosting;

/// <summary>A lifetime recovery did not re-activate, why, and whether it was marked failed (an end record appended).</summary>
public sealed record RecoveryFailure(string LifetimeId, string Reason, bool MarkedFailed);
