using System.Runtime.CompilerServices;
using Agentic.Core.Expressions;
using Agentic.Core.Graphs;

namespace Agentic.Core.Execution;

/// <summary>A graph prepared for execution: edge conditions parsed once, plan targets indexed. Shared by all its lifetimes.</summary>
public sealed class ExecutableGraph
{
    private static readonly ConditionalWeakTable<AgentGraph, ExecutableGraph> Cache = new();
    private readonly Dictionary<GraphEdge, Expression> _conditions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(string From, string To), GraphEdge> _edgeByTarget = [];
    private readonly Dictionary<string, string[]> _allowedTargets = new(StringComparer.Ordinal);
    private readonly Dictionary<GraphEdge, string> _labels = new(ReferenceEqualityComparer.Instance);

    private ExecutableGraph(AgentGraph graph)
    {
        Graph = graph;
        foreach (var edge in graph.Edges)
        {
            if (edge.When is not null)
            {
                _conditions[edge] = Expression.Parse(edge.When);
            }

            _edgeByTarget.TryAdd((edge.From, edge.To), edge);
            _labels[edge] = $"{edge.From}->{edge.To}";
        }

        foreach (var node in graph.Nodes)
        {
            _allowedTargets[node.Name] = graph.OutEdges(node.Name).Select(e => e.To).Distinct(StringComparer.Ordinal).ToArray();
        }
    }

    public AgentGraph Graph { get; }

    public static ExecutableGraph For(AgentGraph graph) => Cache.GetValue(graph, static g => new ExecutableGraph(g));

    public Expression? Condition(GraphEdge edge) => _conditions.GetValueOrDefault(edge);

    /// <summary>"from->to", allocated once per edge.</summary>
    public string Label(GraphEdge edge) => _labels[edge];

    public GraphEdge? EdgeTo(string from, string to) => _edgeByTarget.GetValueOrDefault((from, to));

    public IReadOnlyList<string> AllowedTargets(string plan) => _allowedTargets.TryGetValue(plan, out var t) ? t : [];
}
