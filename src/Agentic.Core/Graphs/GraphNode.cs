using System.Text.Json;

namespace Agentic.Core.Graphs;

/// <summary>A Task or Plan of a graph: its name, implementation type, configuration, retry policy and timeout.</summary>
public sealed class GraphNode
{
    public GraphNode(string name, NodeKind kind, string type, JsonElement config, RetryPolicy retry, TimeSpan? timeout, SourceLocation? location = null)
    {
        Name = name;
        Kind = kind;
        Type = type;
        Config = config.ValueKind == JsonValueKind.Undefined ? EmptyConfig : config;
        Retry = retry;
        Timeout = timeout;
        Location = location;
    }

    internal static JsonElement EmptyConfig { get; } = JsonDocument.Parse("{}").RootElement.Clone();

    public string Name { get; }

    public NodeKind Kind { get; }

    /// <summary>Name of the registered implementation (e.g. <c>counter</c>, <c>route</c>).</summary>
    public string Type { get; }

    /// <summary>Implementation settings; an empty object when none were given.</summary>
    public JsonElement Config { get; }

    public RetryPolicy Retry { get; }

    public TimeSpan? Timeout { get; }

    public SourceLocation? Location { get; }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()} '{Name}' ({Type})";
}
