using Agentic.Core.Graphs;

namespace Agentic.Core.Guardrails;

/// <summary>
/// One guardrail: when <see cref="Condition"/> holds over <see cref="Scope"/>, take <see cref="Action"/>. A policy may be
/// limited to one tenant and/or one graph (name); tenant-scope policies may count only a trailing <see cref="Window"/>.
/// </summary>
public sealed record GuardrailPolicy(
    string Name,
    PolicyScope Scope,
    PolicyAction Action,
    PolicyCondition Condition,
    TimeSpan? Window,
    string? Tenant,
    string? Graph,
    SourceLocation Location)
{
    public bool AppliesTo(string tenant, string graph) =>
        (Tenant is null || string.Equals(Tenant, tenant, StringComparison.Ordinal)) &&
        (Graph is null || string.Equals(Graph, graph, StringComparison.Ordinal));
}
