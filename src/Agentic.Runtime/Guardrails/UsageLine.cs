namespace Agentic.Runtime.Guardrails;

/// <summary>What one node spent on one model, for one tenant: executions, tokens (input and output) and US dollars.</summary>
public sealed record UsageLine(string TenantId, string Node, string Model, long Executions, long InputTokens, long OutputTokens, double CostUsd)
{
    public long TokensUsed => InputTokens + OutputTokens;
}
