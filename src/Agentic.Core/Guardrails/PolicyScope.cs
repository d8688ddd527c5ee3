namespace Agentic.Core.Guardrails;

/// <summary>What a policy's aggregates range over: one execution, one lifetime's executions, or a tenant's (in a window).</summary>
public enum PolicyScope
{
    Execution,
    Lifetime,
    Tenant,
}
