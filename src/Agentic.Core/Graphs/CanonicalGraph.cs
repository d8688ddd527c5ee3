using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;

namespace Agentic.Core.Graphs;

/// <summary>
/// The canonical JSON form of a graph: nodes sorted by name, edges sorted, object keys sorted, durations in
/// milliseconds, source locations left out. Equal canonical forms execute identically; the content hash is
/// taken over it, and lifetimes journal it so that they can be replayed on exactly the graph they started on.
/// </summary>
public static class CanonicalGraph
{
    public static string Hash(AgentGraph graph)
    {
        var bytes = ToUtf8(graph);
        return Convert.ToHexStringLower(SHA256.HashData(bytes));
    }

    public static string ToJson(AgentGraph graph) => System.Text.Encoding.UTF8.GetString(ToUtf8(graph));

    public static byte[] ToUtf8(AgentGraph graph)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WritePropertyName("edges"u8);
            w.WriteStartArray();
            foreach (var e in graph.Edges
                         .OrderBy(e => e.From, StringComparer.Ordinal)
                         .ThenBy(e => e.To, StringComparer.Ordinal)
                         .ThenBy(e => e.Kind)
                         .ThenBy(e => e.When ?? string.Empty, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WriteString("from"u8, e.From);
                w.WriteString("kind"u8, KindName(e.Kind));
                w.WriteString("to"u8, e.To);
                if (e.When is not null)
                {
                    w.WriteString("when"u8, e.When);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (graph.IterationCap is { } cap)
            {
                w.WriteNumber("iteration_cap"u8, cap);
            }

            w.WriteString("name"u8, graph.Name);
            w.WritePropertyName("nodes"u8);
            w.WriteStartArray();
            foreach (var n in graph.Nodes.OrderBy(n => n.Name, StringComparer.Ordinal))
            {
                w.WriteStartObject();
                w.WritePropertyName("config"u8);
                WriteSorted(w, n.Config);
                w.WriteString("kind"u8, n.Kind == NodeKind.Task ? "task" : "plan");
                w.WriteString("name"u8, n.Name);
                if (n.Retry.MaxAttempts > 1)
                {
                    w.WritePropertyName("retry"u8);
                    w.WriteStartObject();
                    w.WriteNumber("backoff_ms"u8, (long)n.Retry.Backoff.TotalMilliseconds);
                    w.WriteNumber("max_attempts"u8, n.Retry.MaxAttempts);
                    w.WriteNumber("max_backoff_ms"u8, (long)n.Retry.MaxBackoff.TotalMilliseconds);
                    w.WriteEndObject();
                }

                if (n.Timeout is { } t)
                {
                    w.WriteNumber("timeout_ms"u8, (long)t.TotalMilliseconds);
                }

                w.WriteString("type"u8, n.Type);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteString("start"u8, graph.Start);
            w.WriteString("version"u8, graph.Version.ToString());
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a canonical form back (as journaled by a lifetime).</summary>
    public static AgentGraph FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var nodes = new List<GraphNode>();
        foreach (var n in root.GetProperty("nodes").EnumerateArray())
        {
            var retry = RetryPolicy.None;
            if (n.TryGetProperty("retry", out var r))
            {
                retry = new RetryPolicy(
                    r.GetProperty("max_attempts").GetInt32(),
                    TimeSpan.FromMilliseconds(r.GetProperty("backoff_ms").GetInt64()),
                    TimeSpan.FromMilliseconds(r.GetProperty("max_backoff_ms").GetInt64()));
            }

            TimeSpan? timeout = n.TryGetProperty("timeout_ms", out var t) ? TimeSpan.FromMilliseconds(t.GetInt64()) : null;
            nodes.Add(new GraphNode(
                n.GetProperty("name").GetString()!,
                n.GetProperty("kind").GetString() == "task" ? NodeKind.Task : NodeKind.Plan,
                n.GetProperty("type").GetString()!,
                n.GetProperty("config").Clone(),
                retry,
                timeout));
        }

        var edges = new List<GraphEdge>();
        foreach (var e in root.GetProperty("edges").EnumerateArray())
        {
            edges.Add(new GraphEdge(
                e.GetProperty("from").GetString()!,
                e.GetProperty("to").GetString()!,
                ParseKind(e.GetProperty("kind").GetString()!),
                e.TryGetProperty("when", out var w) ? w.GetString() : null));
        }

        int? cap = root.TryGetProperty("iteration_cap", out var c) ? c.GetInt32() : null;
        return new AgentGraph(
            root.GetProperty("name").GetString()!,
            SemanticVersion.Parse(root.GetProperty("version").GetString()!),
            root.GetProperty("start").GetString()!,
            nodes,
            edges,
            cap);
    }

    public static string KindName(EdgeKind kind) => kind switch
    {
        EdgeKind.Normal => "normal",
        EdgeKind.Parallel => "parallel",
        EdgeKind.Join => "join",
        EdgeKind.Final => "final",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static EdgeKind ParseKind(string text) => TryParseKind(text, out var k)
        ? k
        : throw new FormatException($"unknown edge kind '{text}' (expected normal, parallel, join or final)");

    public static bool TryParseKind(string text, out EdgeKind kind)
    {
        switch (text)
        {
            case "normal": kind = EdgeKind.Normal; return true;
            case "parallel": kind = EdgeKind.Parallel; return true;
            case "join": kind = EdgeKind.Join; return true;
            case "final": kind = EdgeKind.Final; return true;
            default: kind = EdgeKind.Normal; return false;
        }
    }

    private static void WriteSorted(Utf8JsonWriter w, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                w.WriteStartObject();
                foreach (var p in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    w.WritePropertyName(p.Name);
                    WriteSorted(w, p.Value);
                }

                w.WriteEndObject();
                break;
            case JsonValueKind.Array:
                w.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteSorted(w, item);
                }

                w.WriteEndArray();
                break;
            default:
                element.WriteTo(w);
                break;
        }
    }
}
