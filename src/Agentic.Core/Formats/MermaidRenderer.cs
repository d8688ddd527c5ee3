using System.Text;
using Agentic.Core.Graphs;

namespace Agentic.Core.Formats;

/// <summary>Renders a graph as a Mermaid flowchart: tasks as boxes, plans as hexagons, edge kind and condition as labels.</summary>
public static class MermaidRenderer
{
    public static string Render(AgentGraph graph)
    {
        var sb = new StringBuilder();
        sb.Append("flowchart TD\n");
        sb.Append($"    %% {graph.Name} {graph.Version} ({graph.ContentHash[..12]})\n");
        sb.Append("    start((start)) --> ").Append(Id(graph.Start)).Append('\n');
        foreach (var node in graph.Nodes)
        {
            var label = Escape($"{node.Name}<br/><i>{node.Type}</i>");
            sb.Append("    ").Append(Id(node.Name)).Append(node.Kind == NodeKind.Task ? $"[\"{label}\"]" : $"{{{{\"{label}\"}}}}").Append('\n');
        }

        if (graph.Edges.Any(e => e.IsToEnd))
        {
            sb.Append("    end_((end))\n");
        }

        foreach (var edge in graph.Edges)
        {
            var label = edge.Kind == EdgeKind.Normal ? string.Empty : edge.Kind.ToString().ToLowerInvariant();
            if (edge.When is not null)
            {
                label += (label.Length > 0 ? ": " : string.Empty) + edge.When;
            }

            var arrow = edge.Kind switch
            {
                EdgeKind.Parallel => "==>",
                EdgeKind.Join => "-.->",
                _ => "-->",
            };
            sb.Append("    ").Append(Id(edge.From)).Append(' ').Append(arrow);
            if (label.Length > 0)
            {
                sb.Append("|\"").Append(Escape(label)).Append("\"|");
            }

            sb.Append(' ').Append(edge.IsToEnd ? "end_" : Id(edge.To)).Append('\n');
        }

        sb.Append("    classDef plan fill:#fff4d6,stroke:#b88700\n");
        var plans = graph.Nodes.Where(n => n.Kind == NodeKind.Plan).Select(n => Id(n.Name)).ToList();
        if (plans.Count > 0)
        {
            sb.Append("    class ").Append(string.Join(',', plans)).Append(" plan\n");
        }

        return sb.ToString();
    }

    // Mermaid ids must avoid reserved words such as "end"; prefixing keeps them stable and readable.
    private static string Id(string name) => "n_" + new string(name.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());

    private static string Escape(string text) => text.Replace("\"", "#quot;", StringComparison.Ordinal);
}
