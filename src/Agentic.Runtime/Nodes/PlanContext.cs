using Agentic.Core.Execution;

namespace Agentic.Runtime.Nodes;

/// <summary>Context of a Plan: the upstream task result(s) — one per branch for a join — and the targets it may choose.</summary>
public sealed class PlanContext : NodeContext
{
    internal PlanContext(ExecutionRequest request, Workers.LifetimeRunScope scope, CancellationToken cancellation)
        : base(request, scope, cancellation)
    {
    }

    /// <summary>Upstream results in branch order (a single one unless this plan is a join).</summary>
    public IReadOnlyList<UpstreamResult> Inputs => Request.Inputs;

    /// <summary>The first upstream result: the task result for an ordinary plan.</summary>
    public Payload Result => Request.Inputs[0].Payload;

    public bool IsJoin => Request.Inputs.Count > 1 || Request.EdgeTaken.StartsWith("join->", StringComparison.Ordinal);

    /// <summary>The names this plan may return: the targets of its outgoing edges (<c>end</c> included when it has a final edge).</summary>
    public IReadOnlyList<string> AllowedTargets => Scope.Graph.AllowedTargets(Request.Node.Name);
}
