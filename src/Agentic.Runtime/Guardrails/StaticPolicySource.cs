using Agentic.Core.Guardrails;

namespace Agentic.Runtime.Guardrails;

/// <summary>A fixed policy set (tests, hosts that manage policies themselves).</summary>
public sealed class StaticPolicySource(PolicySet policies) : IPolicySource
{
    public PolicySet Current { get; } = policies ?? throw new ArgumentNullException(nameof(policies));
}
