using System.Text;
using Agentic.Core.Graphs;

namespace Agentic.Core.Formats;

/// <summary>Renders a graph as DOT that <see cref="DotGraphReader"/> reads back to the same graph.</summary>
public static class DotRenderer
{
    public static string Render(AgentGraph graph)
    {
        var sb = new StringBuilder();
        sb.Append("digraph ").Append(Quote(graph.Name)).Append(" {\n");
        sb.Append("    graph [version=").Append(Quote(graph.Version.ToString())).Append(", start=").Append(Quote(graph.Start));
        if (graph.IterationCap is { } cap)
        {
            sb.Append(", iteration_cap=").Append(cap);
        }

        sb.Append("];\n    rankdir=TB;\n");
        foreach (var node in graph.Nodes)
        {
            sb.Append("    ").Append(Quote(node.Name)).Append(" [type=").Append(node.Kind == NodeKind.Task ? "\"task\"" : "\"plan\"")
                .Append(", impl=").Append(Quote(node.Type))
                .Append(", shape=").Append(node.Kind == NodeKind.Task ? "box" : "hexagon");
            if (node.Config.EnumerateObject().Any())
            {
                sb.Append(", config=").Append(Quote(node.Config.GetRawText()));
            }

            if (node.Retry.MaxAttempts > 1)
            {
                sb.Append(", max_attempts=").Append(node.Retry.MaxAttempts).Append(", backoff=").Append(Quote(DurationText.Format(node.Retry.Backoff)));
            }

            if (node.Timeout is { } t)
            {
                sb.Append(", timeout=").Append(Quote(DurationText.Format(t)));
            }

            sb.Append("];\n");
        }

        if (graph.Edges.Any(e => e.IsToEnd))
        {
            sb.Append("    end [shape=doublecircle];\n");
        }

        foreach (var edge in graph.Edges)
        {
            sb.Append("    ").Append(Quote(edge.From)).Append(" -> ").Append(edge.IsToEnd ? "end" : Quote(edge.To))
                .Append(" [kind=").Append(Quote(CanonicalGraph.KindName(edge.Kind)));
            if (edge.When is not null)
            {
                sb.Append(", when=").Append(Quote(edge.When)).Append(", label=").Append(Quote(edge.When));
            }

            if (edge.Kind == EdgeKind.Parallel)
            {
                sb.Append(", style=bold");
            }
            else if (edge.Kind == EdgeKind.Join)
            {
                sb.Append(", style=dashed");
            }

            sb.Append("];\n");
        }

        sb.Append("}\n");
        return sb.ToString();
    }

    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
