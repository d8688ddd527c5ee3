using System.Runtime.CompilerServices;
using Agentic.Core.Expressions;
using Agentic.Core.Graphs;

namespace Agentic.Core.Execution;

/// <summary>A graph prepared for execution: edges prepared once (<see cref="ExecutableEdge"/>), plan targets indexed. Shared by all its lifetimes.</summary>
public sealed class ExecutableGraph
{
    private static readonly ConditionalWeakTable<AgentGraph, ExecutableGraph> Cache = new();
    private readonly Dictionary<string, ExecutableNode> _nodes = new(StringComparer.Ordinal);

    private ExecutableGraph(AgentGraph graph)
    {
        Graph = graph;
        foreach (var node in graph.Nodes)
        {
            _nodes[node.Name] = new ExecutableNode(node);
        }

        foreach (var node in _nodes.Values)
        {
            var outEdges = graph.OutEdges(node.Node.Name);
            node.Routes = outEdges
                .Select(e => new ExecutableEdge(e, e.When is null ? null : Expression.Parse(e.When), _nodes.GetValueOrDefault(e.To)))
                .ToArray();
            node.AllowedTargets = outEdges.Select(e => e.To).Distinct(StringComparer.Ordinal).ToArray();
        }
    }

    public AgentGraph Graph { get; }

    public static ExecutableGraph For(AgentGraph graph) => Cache.GetValue(graph, static g => new ExecutableGraph(g));

    /// <summary>The out-edges of <paramref name="node"/>, prepared, in the graph's order.</summary>
    public IReadOnlyList<ExecutableEdge> Routes(string node) => _nodes.TryGetValue(node, out var n) ? n.Routes : [];

    /// <summary>The first out-edge of <paramref name="from"/> that leads to <paramref name="to"/>, if any.</summary>
    public ExecutableEdge? RouteTo(string from, string to) => _nodes.TryGetValue(from, out var n) ? n.RouteTo(to) : null;

    public IReadOnlyList<string> AllowedTargets(string plan) => _nodes.TryGetValue(plan, out var n) ? n.AllowedTargets : [];

    /// <summary>The prepared node named <paramref name="name"/>; the graph was validated, so it exists.</summary>
    internal ExecutableNode Node(string name) => _nodes.TryGetValue(name, out var n) ? n : throw new KeyNotFoundException($"node '{name}' is not in graph {Graph}");

    /// <summary>The prepared node a request of this graph's lifetime runs (carried by requests this graph's machine made).</summary>
    internal ExecutableNode NodeOf(ExecutionRequest request) => request.Executable ?? Node(request.Node.Name);
}
