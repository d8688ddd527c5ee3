using System.Runtime.CompilerServices;
using Agentic.Core.Expressions;
using Agentic.Core.Graphs;

namespace Agentic.Core.Execution;

/// <summary>A graph prepared for execution: edges prepared once (<see cref="ExecutableEdge"/>), plan targets indexed. Shared by all its lifetimes.</summary>
public sealed class ExecutableGraph
{
    private static readonly ConditionalWeakTable<AgentGraph, ExecutableGraph> Cache = new();
    private readonly Dictionary<string, ExecutableEdge[]> _routes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _allowedTargets = new(StringComparer.Ordinal);

    private ExecutableGraph(AgentGraph graph)
    {
        Graph = graph;
        foreach (var node in graph.Nodes)
        {
            var outEdges = graph.OutEdges(node.Name);
            _routes[node.Name] = outEdges
                .Select(e => new ExecutableEdge(e, e.When is null ? null : Expression.Parse(e.When), graph.FindNode(e.To)))
                .ToArray();
            _allowedTargets[node.Name] = outEdges.Select(e => e.To).Distinct(StringComparer.Ordinal).ToArray();
        }
    }

    public AgentGraph Graph { get; }

    public static ExecutableGraph For(AgentGraph graph) => Cache.GetValue(graph, static g => new ExecutableGraph(g));

    /// <summary>The out-edges of <paramref name="node"/>, prepared, in the graph's order.</summary>
    public IReadOnlyList<ExecutableEdge> Routes(string node) => _routes.TryGetValue(node, out var r) ? r : [];

    /// <summary>The first out-edge of <paramref name="from"/> that leads to <paramref name="to"/>, if any.</summary>
    public ExecutableEdge? RouteTo(string from, string to)
    {
        if (!_routes.TryGetValue(from, out var routes))
        {
            return null;
        }

        foreach (var route in routes)
        {
            if (string.Equals(route.To, to, StringComparison.Ordinal))
            {
                return route;
            }
        }

        return null;
    }

    public IReadOnlyList<string> AllowedTargets(string plan) => _allowedTargets.TryGetValue(plan, out var t) ? t : [];
}
