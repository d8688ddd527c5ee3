using Agentic.Core.Graphs;

namespace Agentic.Core.Execution;

/// <summary>
/// A node of an <see cref="ExecutableGraph"/>: its out-edges prepared and the targets its plan may name. A request
/// carries the one it was dispatched to, so routing reaches them by reference instead of looking up names.
/// </summary>
internal sealed class ExecutableNode(GraphNode node)
{
    public GraphNode Node { get; } = node;

    /// <summary>The out-edges, prepared, in the graph's order.</summary>
    public ExecutableEdge[] Routes { get; set; } = [];

    /// <summary>The distinct targets of the out-edges, in the graph's order.</summary>
    public string[] AllowedTargets { get; set; } = [];

    /// <summary>The first out-edge leading to <paramref name="to"/>, if any.</summary>
    public ExecutableEdge? RouteTo(string to)
    {
        foreach (var route in Routes)
        {
            if (string.Equals(route.To, to, StringComparison.Ordinal))
            {
                return route;
            }
        }

        return null;
    }
}
