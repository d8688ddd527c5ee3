using Agentic.Core.Expressions;
using Agentic.Core.Graphs;

namespace Agentic.Core.Execution;

/// <summary>
/// An edge prepared for routing: its condition parsed, its label made and its target node looked up once, so that
/// routing an execution follows references instead of hashing names (it runs on every step).
/// </summary>
public sealed class ExecutableEdge
{
    internal ExecutableEdge(GraphEdge edge, Expression? condition, ExecutableNode? target)
    {
        Edge = edge;
        Condition = condition;
        TargetNode = target;
        Label = $"{edge.From}->{edge.To}";
    }

    public GraphEdge Edge { get; }

    public EdgeKind Kind => Edge.Kind;

    public string To => Edge.To;

    /// <summary>The parsed <c>when</c> condition; null when the edge has none.</summary>
    public Expression? Condition { get; }

    /// <summary>The node the edge leads to; null for <c>end</c>.</summary>
    public GraphNode? Target => TargetNode?.Node;

    internal ExecutableNode? TargetNode { get; }

    /// <summary>"from->to", as journaled in the edge a dispatched execution took.</summary>
    public string Label { get; }
}
