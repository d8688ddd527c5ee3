using Agentic.Core.Guardrails;

namespace Agentic.Runtime.Guardrails;

/// <summary>The guardrail policies in force now. A source may swap in a new set at any time (reload); each judged step records the version it saw.</summary>
public interface IPolicySource
{
    PolicySet Current { get; }
}
