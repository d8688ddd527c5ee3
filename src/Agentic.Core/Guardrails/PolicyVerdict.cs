namespace Agentic.Core.Guardrails;

/// <summary>How guardrails judged an outcome about to be recorded: the decision (if a policy held) and the set's version.</summary>
public readonly record struct PolicyVerdict(PolicyDecision? Decision, string? PolicySetVersion);
