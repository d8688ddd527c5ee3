using Agentic.Core.Graphs;
using Agentic.Core.Validation;
using Agentic.Runtime.Nodes;

namespace Agentic.Orleans;

/// <summary>Graphs as grains receive them: canonical JSON, validated against the silo's node types.</summary>
internal static class GraphJson
{
    /// <summary>The graph, or an <see cref="ArgumentException"/> naming what is wrong (a type every caller can read, on any silo).</summary>
    public static AgentGraph ReadValid(string json, NodeRegistry nodes, string parameter)
    {
        try
        {
            var graph = CanonicalGraph.FromJson(json);
            GraphValidator.EnsureValid(graph, nodes);
            return graph;
        }
        catch (Exception ex) when (ex is GraphValidationException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException or Core.Expressions.ExpressionException)
        {
            throw new ArgumentException($"graph refused: {ex.Message}", parameter);
        }
    }
}
