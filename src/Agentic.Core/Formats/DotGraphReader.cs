using System.Globalization;
using System.Text;
using System.Text.Json;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;

namespace Agentic.Core.Formats;

/// <summary>
/// Reads GraphViz DOT as used by the original framework's bundles: <c>node [type="task"|"plan"]</c> gives the
/// kind; <c>impl</c> names the implementation (defaulting to the node's name, the bundle convention);
/// <c>config</c> is a JSON text; edges carry <c>kind</c> and <c>when</c> (alias <c>condition</c>). Visual
/// attributes (label, shape, …) are accepted and ignored. Graph attributes: <c>version</c>, <c>start</c>, <c>iteration_cap</c>.
/// </summary>
public sealed class DotGraphReader
{
    private readonly string _file;
    private readonly string _text;
    private readonly List<GraphDiagnostic> _diagnostics = [];
    private readonly List<Token> _tokens = [];
    private readonly Dictionary<string, (Dictionary<string, (string Value, SourceLocation At)> Attrs, SourceLocation At)> _nodes = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<(string From, string To, Dictionary<string, (string Value, SourceLocation At)> Attrs, SourceLocation At)> _edges = [];
    private readonly Dictionary<string, (string Value, SourceLocation At)> _graphAttrs = new(StringComparer.Ordinal);
    private int _at;

    private DotGraphReader(string text, string file)
    {
        _text = text;
        _file = file;
    }

    public static AgentGraph Read(string text, string file)
    {
        var reader = new DotGraphReader(text, file);
        var graph = reader.Parse();
        if (graph is null || reader._diagnostics.Any(d => d.IsError))
        {
            throw new GraphValidationException(reader._diagnostics);
        }

        return graph;
    }

    private int _subgraphDepth;

    private AgentGraph? Parse()
    {
        try
        {
            Tokenize();
            return ParseGraph();
        }
        catch (DotSyntaxException ex)
        {
            Error("AG050", ex.Message, ex.At);
            return null;
        }
    }

    private AgentGraph? ParseGraph()
    {
        if (Peek.IsId("strict"))
        {
            Next();
        }

        if (!Peek.IsId("digraph"))
        {
            throw Syntax(Peek.IsId("graph") ? "agent graphs are directed: use 'digraph', not 'graph'" : "expected 'digraph'");
        }

        Next();
        var name = Peek.Kind == TokenKind.Id ? Next().Text : null;
        Expect("{");
        ParseStatements();
        if (Peek.Kind != TokenKind.End)
        {
            throw Syntax($"unexpected '{Peek.Text}' after the closing '}}'");
        }

        if (string.IsNullOrEmpty(name))
        {
            Error("AG051", "the digraph needs a name: digraph my_graph { ... }", new SourceLocation(_file, 1, 1));
            return null;
        }

        return Build(name);
    }

    private void ParseStatements()
    {
        var nodeDefaults = new Dictionary<string, (string Value, SourceLocation At)>(StringComparer.Ordinal);
        var edgeDefaults = new Dictionary<string, (string Value, SourceLocation At)>(StringComparer.Ordinal);
        while (!Peek.IsPunct("}"))
        {
            if (Peek.Kind == TokenKind.End)
            {
                throw Syntax("missing closing '}'");
            }

            var start = Next();
            if (start.Kind != TokenKind.Id)
            {
                if (start.IsPunct(";"))
                {
                    continue;
                }

                throw Syntax($"unexpected '{start.Text}'", start.At);
            }

            if (start.Text is "node" or "edge" or "graph" && Peek.IsPunct("["))
            {
                var attrs = ParseAttributes();
                var target = start.Text switch { "node" => nodeDefaults, "edge" => edgeDefaults, _ => _graphAttrs };
                foreach (var (k, v) in attrs)
                {
                    target[k] = v;
                }
            }
            else if (start.Text == "subgraph" || start.IsPunct("{"))
            {
                if (Peek.Kind == TokenKind.Id)
                {
                    Next();
                }

                Expect("{");
                if (++_subgraphDepth > InputLimits.MaxNestingDepth)
                {
                    throw Syntax($"subgraphs nest deeper than {InputLimits.MaxNestingDepth} levels", start.At);
                }

                ParseStatements();
                _subgraphDepth--;
            }
            else if (Peek.IsPunct("="))
            {
                Next();
                var value = ExpectId("a value");
                _graphAttrs[start.Text] = (value.Text, start.At);
            }
            else
            {
                var chain = new List<Token> { start };
                while (Peek.IsPunct("->") || Peek.IsPunct("--"))
                {
                    if (Next().Text == "--")
                    {
                        throw Syntax("use '->' for edges in a digraph", chain[^1].At);
                    }

                    chain.Add(ExpectId("a node name after '->'"));
                }

                var attrs = Peek.IsPunct("[") ? ParseAttributes() : [];
                if (chain.Count == 1)
                {
                    DeclareNode(start, nodeDefaults, attrs);
                }
                else
                {
                    for (var i = 0; i + 1 < chain.Count; i++)
                    {
                        var merged = new Dictionary<string, (string Value, SourceLocation At)>(edgeDefaults, StringComparer.Ordinal);
                        foreach (var (k, v) in attrs)
                        {
                            merged[k] = v;
                        }

                        _edges.Add((chain[i].Text, chain[i + 1].Text, merged, chain[i].At));
                    }
                }
            }

            if (Peek.IsPunct(";") || Peek.IsPunct(","))
            {
                Next();
            }
        }

        Next(); // }
    }

    private void DeclareNode(Token name, Dictionary<string, (string Value, SourceLocation At)> defaults, Dictionary<string, (string Value, SourceLocation At)> attrs)
    {
        if (name.Text == GraphEdge.End)
        {
            // `end [shape=doublecircle]` only styles the reserved terminal; it is not a node.
            return;
        }

        if (!_nodes.TryGetValue(name.Text, out var existing))
        {
            existing = (new Dictionary<string, (string, SourceLocation)>(defaults, StringComparer.Ordinal), name.At);
            _nodes[name.Text] = existing;
            _order.Add(name.Text);
        }

        foreach (var (k, v) in attrs)
        {
            existing.Attrs[k] = v;
        }
    }

    private Dictionary<string, (string Value, SourceLocation At)> ParseAttributes()
    {
        var attrs = new Dictionary<string, (string Value, SourceLocation At)>(StringComparer.Ordinal);
        Expect("[");
        while (!Peek.IsPunct("]"))
        {
            var key = ExpectId("an attribute name");
            Expect("=");
            var value = ExpectId($"a value for '{key.Text}'");
            attrs[key.Text] = (value.Text, value.At);
            if (Peek.IsPunct(",") || Peek.IsPunct(";"))
            {
                Next();
            }
        }

        Next();
        return attrs;
    }

    private AgentGraph? Build(string name)
    {
        var nodes = new List<GraphNode>();
        foreach (var nodeName in _order)
        {
            var (attrs, at) = _nodes[nodeName];
            if (!attrs.TryGetValue("type", out var kindAttr))
            {
                Error("AG052", $"node '{nodeName}' needs type=\"task\" or type=\"plan\"", at);
                continue;
            }

            if (kindAttr.Value is not ("task" or "plan"))
            {
                Error("AG053", $"node '{nodeName}': type '{kindAttr.Value}' is not task or plan", kindAttr.At);
                continue;
            }

            var impl = attrs.TryGetValue("impl", out var i) ? i.Value : attrs.TryGetValue("handler", out var h) ? h.Value : nodeName;
            var config = default(JsonElement);
            if (attrs.TryGetValue("config", out var c))
            {
                try
                {
                    using var doc = JsonDocument.Parse(c.Value);
                    config = doc.RootElement.ValueKind == JsonValueKind.Object
                        ? doc.RootElement.Clone()
                        : throw new JsonException("config must be a JSON object");
                }
                catch (JsonException ex)
                {
                    Error("AG054", $"node '{nodeName}': config is not a JSON object: {ex.Message}", c.At);
                }
            }

            var retry = RetryPolicy.None;
            if (attrs.TryGetValue("max_attempts", out var ma))
            {
                var backoff = TimeSpan.FromMilliseconds(100);
                if (attrs.TryGetValue("backoff", out var bo) && !DurationText.TryParse(bo.Value, InputLimits.MaxTimerDuration, out backoff))
                {
                    Error("AG055", $"node '{nodeName}': backoff '{bo.Value}' is not a duration like 250ms or 5s, at most {InputLimits.MaxTimerDuration.TotalDays:0}d", bo.At);
                }

                if (int.TryParse(ma.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var attempts) && attempts >= 1)
                {
                    retry = RetryPolicy.Create(attempts, backoff);
                }
                else
                {
                    Error("AG055", $"node '{nodeName}': max_attempts '{ma.Value}' must be a whole number of at least 1", ma.At);
                }
            }

            TimeSpan? timeout = null;
            if (attrs.TryGetValue("timeout", out var to))
            {
                if (DurationText.TryParse(to.Value, InputLimits.MaxTimerDuration, out var t) && t > TimeSpan.Zero)
                {
                    timeout = t;
                }
                else
                {
                    Error("AG055", $"node '{nodeName}': timeout '{to.Value}' is not a duration like 250ms or 5s, at most {InputLimits.MaxTimerDuration.TotalDays:0}d", to.At);
                }
            }

            nodes.Add(new GraphNode(nodeName, kindAttr.Value == "task" ? NodeKind.Task : NodeKind.Plan, impl, config, retry, timeout, at));
        }

        var edges = new List<GraphEdge>();
        foreach (var (from, to, attrs, at) in _edges)
        {
            var kind = EdgeKind.Normal;
            if (attrs.TryGetValue("kind", out var k) && !CanonicalGraph.TryParseKind(k.Value, out kind))
            {
                Error("AG056", $"edge {from} -> {to}: kind '{k.Value}' is not one of normal, parallel, join, final", k.At);
            }

            var when = attrs.TryGetValue("when", out var w) ? w.Value : attrs.TryGetValue("condition", out var cnd) ? cnd.Value : null;
            if (to == GraphEdge.End && !attrs.ContainsKey("kind"))
            {
                kind = EdgeKind.Final;
            }

            edges.Add(new GraphEdge(from, to, kind, when, at));
        }

        foreach (var (from, to, _, at) in _edges)
        {
            foreach (var endpoint in new[] { from, to })
            {
                if (endpoint != GraphEdge.End && !_nodes.ContainsKey(endpoint))
                {
                    Error("AG057", $"edge {from} -> {to} uses node '{endpoint}' that is never declared with type=\"task\" or type=\"plan\"", at);
                }
            }
        }

        var version = new SemanticVersion(1, 0, 0);
        if (_graphAttrs.TryGetValue("version", out var v) && !SemanticVersion.TryParse(v.Value, out version))
        {
            Error("AG003", $"version '{v.Value}' is not a semantic version (expected MAJOR.MINOR.PATCH)", v.At);
            return null;
        }

        int? cap = null;
        if (_graphAttrs.TryGetValue("iteration_cap", out var ic))
        {
            if (int.TryParse(ic.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1)
            {
                cap = n;
            }
            else
            {
                Error("AG009", $"iteration_cap '{ic.Value}' must be a whole number of at least 1", ic.At);
            }
        }

        var start = _graphAttrs.TryGetValue("start", out var s) ? s.Value : nodes.Count > 0 ? nodes[0].Name : string.Empty;
        return new AgentGraph(name, version!, start, nodes, edges, cap, _file);
    }

    private void Tokenize()
    {
        int i = 0, line = 1, col = 1;
        void Step(int count)
        {
            for (var k = 0; k < count && i < _text.Length; k++, i++)
            {
                if (_text[i] == '\n')
                {
                    line++;
                    col = 1;
                }
                else
                {
                    col++;
                }
            }
        }

        while (i < _text.Length)
        {
            var c = _text[i];
            var at = new SourceLocation(_file, line, col);
            if (char.IsWhiteSpace(c))
            {
                Step(1);
            }
            else if (c == '/' && i + 1 < _text.Length && _text[i + 1] == '/' || (c == '#' && col == 1))
            {
                while (i < _text.Length && _text[i] != '\n')
                {
                    Step(1);
                }
            }
            else if (c == '/' && i + 1 < _text.Length && _text[i + 1] == '*')
            {
                var end = _text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    throw Syntax("unterminated /* comment", at);
                }

                Step(end + 2 - i);
            }
            else if (c == '"')
            {
                var sb = new StringBuilder();
                Step(1);
                while (i < _text.Length && _text[i] != '"')
                {
                    if (_text[i] == '\\' && i + 1 < _text.Length && _text[i + 1] is '"' or '\\')
                    {
                        Step(1);
                    }

                    sb.Append(_text[i]);
                    Step(1);
                }

                if (i >= _text.Length)
                {
                    throw Syntax("unterminated string", at);
                }

                Step(1);
                _tokens.Add(new Token(TokenKind.Id, sb.ToString(), at));
            }
            else if (char.IsLetterOrDigit(c) || c is '_' or '.' || (c == '-' && i + 1 < _text.Length && char.IsAsciiDigit(_text[i + 1])))
            {
                var start = i;
                Step(1);
                while (i < _text.Length && (char.IsLetterOrDigit(_text[i]) || _text[i] is '_' or '.'))
                {
                    Step(1);
                }

                _tokens.Add(new Token(TokenKind.Id, _text[start..i], at));
            }
            else if (c == '-' && i + 1 < _text.Length && _text[i + 1] is '>' or '-')
            {
                _tokens.Add(new Token(TokenKind.Punct, _text.Substring(i, 2), at));
                Step(2);
            }
            else if (c is '{' or '}' or '[' or ']' or '=' or ';' or ',' or ':')
            {
                _tokens.Add(new Token(TokenKind.Punct, c.ToString(), at));
                Step(1);
            }
            else
            {
                throw Syntax($"unexpected character '{c}'", at);
            }
        }

        _tokens.Add(new Token(TokenKind.End, "end of file", new SourceLocation(_file, line, col)));
    }

    private Token Peek => _tokens[_at];

    private Token Next() => _tokens[Math.Min(_at++, _tokens.Count - 1)];

    private void Expect(string punct)
    {
        if (!Peek.IsPunct(punct))
        {
            throw Syntax($"expected '{punct}' but found '{Peek.Text}'");
        }

        Next();
    }

    private Token ExpectId(string what) =>
        Peek.Kind == TokenKind.Id ? Next() : throw Syntax($"expected {what} but found '{Peek.Text}'");

    private DotSyntaxException Syntax(string message, SourceLocation? at = null) => new(message, at ?? Peek.At);

    private void Error(string code, string message, SourceLocation at) =>
        _diagnostics.Add(new GraphDiagnostic(DiagnosticSeverity.Error, code, message, at));

    private enum TokenKind
    {
        Id,
        Punct,
        End,
    }

    private readonly record struct Token(TokenKind Kind, string Text, SourceLocation At)
    {
        public bool IsId(string text) => Kind == TokenKind.Id && Text == text;

        public bool IsPunct(string text) => Kind == TokenKind.Punct && Text == text;
    }

    private sealed class DotSyntaxException(string message, SourceLocation at) : Exception(message)
    {
        public SourceLocation At { get; } = at;
    }
}
