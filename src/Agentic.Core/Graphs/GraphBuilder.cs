namespace Agentic.Core.Graphs;

/// <summary>
/// Fluent C# definition of a graph; produces the same <see cref="AgentGraph"/> as the YAML and DOT readers.
/// <code>
/// var graph = new GraphBuilder("hello", "1.0.0")
///     .Task("work", "counter")
///     .Plan("decide", "route", o => o.Config(new { rules = new[] { new { when = "result.count >= 10", to = new[] { "end" } } }, otherwise = new[] { "work" } }))
///     .Edge("work", "decide").Edge("decide", "work").Final("decide")
///     .Build();
/// </code>
/// </summary>
public sealed class GraphBuilder
{
    private readonly string _name;
    private readonly SemanticVersion _version;
    private readonly List<GraphNode> _nodes = [];
    private readonly List<GraphEdge> _edges = [];
    private string? _start;
    private int? _iterationCap;

    public GraphBuilder(string name, string version = "1.0.0")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _name = name;
        _version = SemanticVersion.Parse(version);
    }

    public GraphBuilder Task(string name, string type, Action<NodeOptions>? options = null) => Node(name, NodeKind.Task, type, options);

    public GraphBuilder Plan(string name, string type, Action<NodeOptions>? options = null) => Node(name, NodeKind.Plan, type, options);

    public GraphBuilder Edge(string from, string to, EdgeKind kind = EdgeKind.Normal, string? when = null)
    {
        _edges.Add(new GraphEdge(from, to, kind, when));
        return this;
    }

    public GraphBuilder Parallel(string fromPlan, params string[] toTasks)
    {
        foreach (var to in toTasks)
        {
            _edges.Add(new GraphEdge(fromPlan, to, EdgeKind.Parallel, null));
        }

        return this;
    }

    public GraphBuilder Join(string fromTask, string toPlan, string? when = null) => Edge(fromTask, toPlan, EdgeKind.Join, when);

    /// <summary>A final edge from <paramref name="from"/> to <c>end</c>.</summary>
    public GraphBuilder Final(string from, string? when = null) => Edge(from, GraphEdge.End, EdgeKind.Final, when);

    public GraphBuilder StartAt(string node)
    {
        _start = node;
        return this;
    }

    public GraphBuilder IterationCap(int cap)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(cap, 1);
        _iterationCap = cap;
        return this;
    }

    public AgentGraph Build() =>
        new(_name, _version, _start ?? (_nodes.Count > 0 ? _nodes[0].Name : string.Empty), _nodes.ToArray(), _edges.ToArray(), _iterationCap);

    private GraphBuilder Node(string name, NodeKind kind, string type, Action<NodeOptions>? configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        var options = new NodeOptions();
        configure?.Invoke(options);
        _nodes.Add(new GraphNode(name, kind, type, options.ConfigElement, options.RetryPolicy, options.TimeoutValue));
        return this;
    }
}
