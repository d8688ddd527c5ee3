using Agentic.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Agentic.Core.Formats;

/// <summary>
/// Loads YAML for the graph, policy and price readers within <see cref="InputLimits"/>. YamlDotNet's representation
/// model recurses per nesting level and the readers walk aliases as copies, so a deeply nested file overflows the
/// stack and a kilobyte of nested aliases expands to billions of nodes. The events are scanned first (the parser
/// keeps its own stack, it does not recurse): depth, and the node count with every alias expanded, are bounded
/// before anything is built. A violation is a <see cref="YamlException"/> at the offending mark, like a syntax error.
/// </summary>
internal static class YamlDocuments
{
    public static YamlStream Load(string text)
    {
        if (text.Length > InputLimits.MaxDocumentLength)
        {
            throw new YamlException(Mark.Empty, Mark.Empty, $"the document is {text.Length} characters long; the limit is {InputLimits.MaxDocumentLength}");
        }

        try
        {
            Scan(text);
            var stream = new YamlStream();
            var parser = new MarkingParser(new Parser(new StringReader(text)));
            try
            {
                stream.Load(parser);
            }
            catch (ArgumentException ex)
            {
                // The representation model refuses some event sequences the parser accepts (a bare ':' key, …).
                throw new YamlException(parser.Last, parser.Last, $"unexpected {ex.Message.Split(" (Parameter", 2)[0].Replace("The current event is of an unsupported type.", "content here", StringComparison.Ordinal)}");
            }

            return stream;
        }
        catch (YamlException ex) when (ex.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndent(text) is { } tab)
        {
            // YamlDotNet reports an indenting tab at the start of the enclosing mapping (often 1:1): point at the tab.
            throw new YamlException(tab, tab, "a tab indents this line; YAML indents with spaces only");
        }
    }

    private static Mark? FirstTabIndent(string text)
    {
        var line = 1;
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end;
            for (var i = start; i < end && text[i] is ' ' or '\t' or '-'; i++)
            {
                if (text[i] == '\t')
                {
                    return new Mark(i, line, i - start + 1);
                }
            }

            line++;
            start = end + 1;
        }

        return null;
    }

    private static void Scan(string text)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long Nodes)>();
        long total = 0;
        var last = Mark.Empty;
        while (Next(parser, ref last))
        {
            var e = parser.Current!;
            switch (e)
            {
                case MappingStart or SequenceStart:
                    if (open.Count >= InputLimits.MaxNestingDepth)
                    {
                        throw new YamlException(e.Start, e.End, $"nesting deeper than {InputLimits.MaxNestingDepth} levels");
                    }

                    var anchor = ((NodeEvent)e).Anchor;
                    open.Push((anchor.IsEmpty ? null : anchor.Value, 1));
                    break;
                case MappingEnd or SequenceEnd:
                    var (name, nodes) = open.Pop();
                    if (name is not null)
                    {
                        anchors[name] = nodes;
                    }

                    Count(nodes, e);
                    break;
                case Scalar scalar:
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = 1;
                    }

                    Count(1, e);
                    break;
                case AnchorAlias alias:
                    // An alias inside its own anchor makes a cycle: YamlDotNet builds it, and hashing it as a key or
                    // walking it as config then recurses without end.
                    if (open.Any(frame => frame.Anchor == alias.Value.Value))
                    {
                        throw new YamlException(e.Start, e.End, $"alias '*{alias.Value.Value}' is inside its own anchor '&{alias.Value.Value}' (a cycle)");
                    }

                    Count(anchors.TryGetValue(alias.Value.Value, out var size) ? size : 1, e);
                    break;
            }
        }

        static bool Next(Parser parser, ref Mark last)
        {
            try
            {
                var more = parser.MoveNext();
                if (parser.Current is { } current)
                {
                    last = current.End;
                }

                return more;
            }
            catch (InvalidOperationException)
            {
                // YamlDotNet's scanner fails this way on some unclosed flow collections ({ a: b followed by a new line).
                throw new YamlException(last, last, "a flow mapping '{' or sequence '[' is not closed before the next entry");
            }
            catch (Exception ex) when (ex is not YamlException)
            {
                // Other refusals of the parser (a tag that is not a URI, …) are syntax errors of the document too.
                throw new YamlException(last, last, ex.Message.Split(" (Parameter", 2)[0]);
            }
        }

        void Count(long nodes, ParsingEvent at)
        {
            if (open.Count > 0)
            {
                var (anchor, sum) = open.Pop();
                open.Push((anchor, sum + nodes));
                nodes = sum + nodes;
            }
            else
            {
                total += nodes;
                nodes = total;
            }

            if (nodes > InputLimits.MaxYamlExpandedNodes)
            {
                throw new YamlException(at.Start, at.End, $"more than {InputLimits.MaxYamlExpandedNodes} nodes once aliases are expanded (nested aliases multiply: '*a' repeats everything '&a' holds)");
            }
        }
    }

    /// <summary>Passes events through, remembering where the last one started, so that a refusal has a position.</summary>
    private sealed class MarkingParser(IParser inner) : IParser
    {
        public Mark Last { get; private set; } = Mark.Empty;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var more = inner.MoveNext();
            if (inner.Current is { } current)
            {
                Last = current.Start;
            }

            return more;
        }
    }
}
