using System.Collections.Frozen;

namespace Agentic.Core.Graphs;

/// <summary>
/// An immutable, semantically versioned graph of Tasks and Plans. Build one with <see cref="GraphBuilder"/>,
/// read one with <see cref="Formats.GraphReader"/>; check it with <see cref="Validation.GraphValidator"/>.
/// </summary>
public sealed class AgentGraph
{
    public const int DefaultIterationCap = 100;

    private static readonly IReadOnlyList<GraphEdge> NoEdges = [];
    private readonly FrozenDictionary<string, GraphNode> _nodes;
    private readonly FrozenDictionary<string, GraphEdge[]> _outEdges;
    private readonly FrozenDictionary<string, GraphEdge[]> _inEdges;
    private string? _contentHash;
    private string? _canonicalJson;

    public AgentGraph(string name, SemanticVersion version, string start, IReadOnlyList<GraphNode> nodes, IReadOnlyList<GraphEdge> edges, int? iterationCap = null, string? sourceFile = null)
    {
        Name = name;
        Version = version;
        Start = start;
        Nodes = nodes;
        Edges = edges;
        IterationCap = iterationCap;
        SourceFile = sourceFile;

        // Duplicates are reported by the validator; the first declaration wins here so lookups stay total.
        var byName = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            byName.TryAdd(node.Name, node);
        }

        _nodes = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _outEdges = edges.GroupBy(e => e.From, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _inEdges = edges.GroupBy(e => e.To, StringComparer.Ordinal).ToFrozenDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
    }

    public string Name { get; }

    public SemanticVersion Version { get; }

    /// <summary>The node a lifetime starts at (the first declared node unless given).</summary>
    public string Start { get; }

    public IReadOnlyList<GraphNode> Nodes { get; }

    public IReadOnlyList<GraphEdge> Edges { get; }

    /// <summary>Per-graph iteration cap; <c>null</c> means <see cref="DefaultIterationCap"/> unless a run sets one.</summary>
    public int? IterationCap { get; }

    public string? SourceFile { get; }

    /// <summary>SHA-256 (hex) of the canonical form: changes whenever anything that affects execution changes.</summary>
    public string ContentHash => _contentHash ??= CanonicalGraph.Hash(this);

    /// <summary>The canonical JSON form (computed once; every lifetime journals it).</summary>
    public string CanonicalJson => _canonicalJson ??= CanonicalGraph.ToJson(this);

    public GraphNode? FindNode(string name) => _nodes.GetValueOrDefault(name);

    public GraphNode GetNode(string name) =>
        _nodes.TryGetValue(name, out var node) ? node : throw new KeyNotFoundException($"graph '{Name}' has no node '{name}'");

    public IReadOnlyList<GraphEdge> OutEdges(string node) => _outEdges.TryGetValue(node, out var e) ? e : NoEdges;

    public IReadOnlyList<GraphEdge> InEdges(string node) => _inEdges.TryGetValue(node, out var e) ? e : NoEdges;

    public override string ToString() => $"{Name}@{Version}";
}
