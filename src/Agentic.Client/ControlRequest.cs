namespace Agentic.Client;

/// <summary>Who pauses, resumes or aborts a lifetime, and why (both journaled).</summary>
public sealed record ControlRequest(string? Actor, string? Reason);
