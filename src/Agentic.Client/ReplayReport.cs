namespace Agentic.Client;

/// <summary>Whether a lifetime's journal replays identically (every record follows from the ones before it), and where it diverges if not.</summary>
public sealed record ReplayReport(bool Identical, long Records, string Phase, long Executions, int Iterations, string? Divergence);
