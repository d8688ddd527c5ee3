using Agentic.Core.Graphs;
using Agentic.Core.Validation;
using Agentic.Runtime.Nodes;

namespace Agentic.Orleans;

/// <summary>Graphs as grains receive them: canonical JSON, validated against the silo's node types.</summary>
internal static class GraphJson
{
    private const int CacheSize = 256;

    // Lifetimes of one graph arrive with the same JSON thousands of times: parse and validate it once per node registry.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NodeRegistry, System.Collections.Concurrent.ConcurrentDictionary<string, AgentGraph>> Validated = new();

    /// <summary>The graph, or an <see cref="ArgumentException"/> naming what is wrong (a type every caller can read, on any silo).</summary>
    public static AgentGraph ReadValid(string json, NodeRegistry nodes, string parameter)
    {
        ArgumentNullException.ThrowIfNull(json);
        var valid = Validated.GetValue(nodes, static _ => new(StringComparer.Ordinal));
        if (valid.TryGetValue(json, out var known))
        {
            return known;
        }

        try
        {
            var graph = CanonicalGraph.FromJson(json);
            GraphValidator.EnsureValid(graph, nodes);
            if (valid.Count >= CacheSize)
            {
                valid.Clear();
            }

            valid[json] = graph;
            return graph;
        }
        catch (Exception ex) when (ex is GraphValidationException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException or FormatException or Core.Expressions.ExpressionException)
        {
            throw new ArgumentException($"graph refused: {ex.Message}", parameter);
        }
    }
}
