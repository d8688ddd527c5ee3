using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agentic.Core.Formats;

/// <summary>
/// Reads the YAML graph format (docs/graph-format.md). Every problem is reported with file, line and column;
/// all problems found are reported together, and unknown keys are errors so that typos never pass silently.
/// </summary>
public sealed class YamlGraphReader
{
    private static readonly string[] GraphKeys = ["graph", "version", "start", "iteration_cap", "description", "nodes", "edges"];
    private static readonly string[] NodeKeys = ["name", "kind", "type", "config", "retry", "timeout", "description"];
    private static readonly string[] EdgeKeys = ["from", "to", "kind", "when", "description"];
    private static readonly string[] RetryKeys = ["max_attempts", "backoff", "max_backoff"];

    private readonly string _file;
    private readonly List<GraphDiagnostic> _diagnostics = [];

    private YamlGraphReader(string file) => _file = file;

    public static AgentGraph Read(string yaml, string file)
    {
        var reader = new YamlGraphReader(file);
        var graph = reader.ReadGraph(yaml);
        if (graph is null || reader._diagnostics.Any(d => d.IsError))
        {
            throw new GraphValidationException(reader._diagnostics);
        }

        return graph;
    }

    private AgentGraph? ReadGraph(string yaml)
    {
        YamlStream stream;
        try
        {
            stream = YamlDocuments.Load(yaml);
        }
        catch (YamlException ex)
        {
            Error("AG001", $"not valid YAML: {ex.InnerException?.Message ?? StripMark(ex.Message)}", ex.Start);
            return null;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error("AG002", "a graph file must be a YAML mapping with keys graph, version, nodes and edges", stream.Documents.Count > 0 ? stream.Documents[0].RootNode.Start : Mark.Empty);
            return null;
        }

        CheckKeys(root, GraphKeys, "graph");
        var name = RequiredString(root, "graph", "the graph's name");
        var versionText = RequiredString(root, "version", "the graph's semantic version, e.g. 1.0.0");
        SemanticVersion? version = null;
        if (versionText is not null && !SemanticVersion.TryParse(versionText, out version))
        {
            Error("AG003", $"version '{versionText}' is not a semantic version (expected MAJOR.MINOR.PATCH, e.g. 1.0.0)", Child(root, "version")!.Start);
        }

        int? cap = null;
        if (Child(root, "iteration_cap") is { } capNode)
        {
            cap = PositiveInt(capNode, "iteration_cap");
        }

        var nodes = new List<GraphNode>();
        if (Child(root, "nodes") is not YamlSequenceNode nodeSeq)
        {
            Error("AG004", "missing 'nodes': a list of { name, kind, type } entries", Child(root, "nodes")?.Start ?? root.Start);
        }
        else
        {
            foreach (var item in nodeSeq.Children)
            {
                if (ReadNode(item) is { } node)
                {
                    nodes.Add(node);
                }
            }
        }

        var edges = new List<GraphEdge>();
        if (Child(root, "edges") is { } edgeNode)
        {
            if (edgeNode is not YamlSequenceNode edgeSeq)
            {
                Error("AG005", "'edges' must be a list of { from, to, kind, when } entries", edgeNode.Start);
            }
            else
            {
                foreach (var item in edgeSeq.Children)
                {
                    if (ReadEdge(item) is { } edge)
                    {
                        edges.Add(edge);
                    }
                }
            }
        }

        var start = OptionalString(root, "start") ?? (nodes.Count > 0 ? nodes[0].Name : string.Empty);
        if (name is null || version is null)
        {
            return null;
        }

        return new AgentGraph(name, version, start, nodes, edges, cap, _file);
    }

    private GraphNode? ReadNode(YamlNode item)
    {
        if (item is not YamlMappingNode map)
        {
            Error("AG010", "each node must be a mapping like { name: work, kind: task, type: counter }", item.Start);
            return null;
        }

        CheckKeys(map, NodeKeys, "node");
        var name = RequiredString(map, "name", "the node's name");
        var kindText = RequiredString(map, "kind", "task or plan");
        var type = RequiredString(map, "type", "the registered implementation, e.g. counter or route");
        NodeKind kind = NodeKind.Task;
        if (kindText is not null && kindText is not ("task" or "plan"))
        {
            Error("AG011", $"node '{name}': kind '{kindText}' is not task or plan", Child(map, "kind")!.Start);
            kindText = null;
        }
        else if (kindText == "plan")
        {
            kind = NodeKind.Plan;
        }

        var config = default(JsonElement);
        if (Child(map, "config") is { } configNode)
        {
            if (configNode is not YamlMappingNode)
            {
                Error("AG012", $"node '{name}': config must be a mapping", configNode.Start);
            }
            else
            {
                config = ToJson(configNode);
            }
        }

        var retry = RetryPolicy.None;
        if (Child(map, "retry") is { } retryNode)
        {
            retry = ReadRetry(retryNode, name) ?? RetryPolicy.None;
        }

        TimeSpan? timeout = null;
        if (Child(map, "timeout") is { } timeoutNode)
        {
            timeout = Duration(timeoutNode, $"node '{name}': timeout");
        }

        if (name is null || kindText is null || type is null)
        {
            return null;
        }

        return new GraphNode(name, kind, type, config, retry, timeout, Location(map.Start));
    }

    private RetryPolicy? ReadRetry(YamlNode node, string? owner)
    {
        if (node is not YamlMappingNode map)
        {
            Error("AG013", $"node '{owner}': retry must be a mapping like {{ max_attempts: 3, backoff: 200ms }}", node.Start);
            return null;
        }

        CheckKeys(map, RetryKeys, "retry");
        var attempts = Child(map, "max_attempts") is { } a ? PositiveInt(a, "retry.max_attempts") : null;
        var backoff = Child(map, "backoff") is { } b ? Duration(b, $"node '{owner}': retry.backoff") : TimeSpan.FromMilliseconds(100);
        var maxBackoff = Child(map, "max_backoff") is { } mb ? Duration(mb, $"node '{owner}': retry.max_backoff") : null;
        if (attempts is null)
        {
            if (Child(map, "max_attempts") is null)
            {
                Error("AG014", $"node '{owner}': retry needs max_attempts (total attempts, at least 1)", map.Start);
            }

            return null;
        }

        var policy = RetryPolicy.Create(attempts.Value, backoff ?? TimeSpan.Zero);
        return maxBackoff is { } cap ? policy with { MaxBackoff = cap } : policy;
    }

    private GraphEdge? ReadEdge(YamlNode item)
    {
        if (item is not YamlMappingNode map)
        {
            Error("AG020", "each edge must be a mapping like { from: work, to: decide }", item.Start);
            return null;
        }

        CheckKeys(map, EdgeKeys, "edge");
        var from = RequiredString(map, "from", "the source node");
        var to = RequiredString(map, "to", $"the target node, or '{GraphEdge.End}' for a final edge");
        var kind = EdgeKind.Normal;
        if (OptionalString(map, "kind") is { } kindText && !CanonicalGraph.TryParseKind(kindText, out kind))
        {
            Error("AG021", $"edge {from} -> {to}: kind '{kindText}' is not one of normal, parallel, join, final", Child(map, "kind")!.Start);
            return null;
        }

        var when = OptionalString(map, "when");
        return from is null || to is null ? null : new GraphEdge(from, to, kind, when, Location(map.Start));
    }

    private JsonElement ToJson(YamlNode node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteJson(writer, node);
        }

        using var doc = JsonDocument.Parse(buffer.WrittenMemory);
        return doc.RootElement.Clone();
    }

    private void WriteJson(Utf8JsonWriter w, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                w.WriteStartObject();
                foreach (var (key, value) in map.Children)
                {
                    if (key is not YamlScalarNode name)
                    {
                        Error("AG015", "a config key must be text, not a list or mapping", key.Start);
                        continue;
                    }

                    w.WritePropertyName(name.Value ?? string.Empty);
                    WriteJson(w, value);
                }

                w.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                w.WriteStartArray();
                foreach (var child in seq.Children)
                {
                    WriteJson(w, child);
                }

                w.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(w, scalar);
                break;
            default:
                Error("AG015", "unsupported YAML construct in config (aliases are not allowed)", node.Start);
                w.WriteNullValue();
                break;
        }
    }

    // YAML 1.2 core schema: only plain (unquoted) scalars can be null, booleans or numbers.
    private static void WriteScalar(Utf8JsonWriter w, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is ScalarStyle.Plain or ScalarStyle.Any)
        {
            switch (text)
            {
                case "" or "~" or "null" or "Null" or "NULL":
                    w.WriteNullValue();
                    return;
                case "true" or "True" or "TRUE":
                    w.WriteBooleanValue(true);
                    return;
                case "false" or "False" or "FALSE":
                    w.WriteBooleanValue(false);
                    return;
            }

            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                w.WriteNumberValue(l);
                return;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !double.IsInfinity(d) && !double.IsNaN(d) && text.Any(char.IsAsciiDigit))
            {
                w.WriteNumberValue(d);
                return;
            }
        }

        w.WriteStringValue(text);
    }

    private void CheckKeys(YamlMappingNode map, string[] allowed, string what)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value;
            if (name is null || !allowed.Contains(name, StringComparer.Ordinal))
            {
                Error("AG006", $"unknown {what} key '{name}' (allowed: {string.Join(", ", allowed)})", key.Start);
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) => YamlNodes.Child(map, key);

    private string? RequiredString(YamlMappingNode map, string key, string description)
    {
        var node = Child(map, key);
        if (node is null)
        {
            Error("AG007", $"missing '{key}' ({description})", map.Start);
            return null;
        }

        if (node is not YamlScalarNode { Value: { Length: > 0 } value })
        {
            Error("AG008", $"'{key}' must be a non-empty text ({description})", node.Start);
            return null;
        }

        return value;
    }

    private string? OptionalString(YamlMappingNode map, string key)
    {
        var node = Child(map, key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlScalarNode scalar)
        {
            Error("AG008", $"'{key}' must be a text", node.Start);
            return null;
        }

        return string.IsNullOrEmpty(scalar.Value) ? null : scalar.Value;
    }

    private int? PositiveInt(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
        {
            return n;
        }

        Error("AG009", $"{what} must be a whole number of at least 1", node.Start);
        return null;
    }

    private TimeSpan? Duration(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } text } && DurationText.TryParse(text, InputLimits.MaxTimerDuration, out var value))
        {
            return value;
        }

        Error("AG016", $"{what} must be a duration like 250ms, 5s, 2m or 1h, at most {InputLimits.MaxTimerDuration.TotalDays:0}d", node.Start);
        return null;
    }

    private SourceLocation Location(Mark mark) => new(_file, (int)mark.Line, (int)mark.Column);

    private void Error(string code, string message, Mark mark) =>
        _diagnostics.Add(new GraphDiagnostic(DiagnosticSeverity.Error, code, message, Location(mark)));

    private static string StripMark(string message) => YamlNodes.StripMark(message);
}
