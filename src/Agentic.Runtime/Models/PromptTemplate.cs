using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Agentic.Runtime.Models;

/// <summary>
/// A prompt with placeholders: <c>{{input}}</c> (the execution's input as JSON), <c>{{input.a.b}}</c> (a field of
/// it: text as is, anything else as JSON), <c>{{lifetime_input…}}</c> likewise for the lifetime's input, and
/// <c>{{node}}</c>, <c>{{iteration}}</c>, <c>{{attempt}}</c>. A missing field is an error naming it, never an empty string.
/// </summary>
public sealed partial class PromptTemplate
{
    private readonly string _text;
    private readonly (int Start, int Length, string Root, string[] Path)[] _holes;

    private PromptTemplate(string text, (int, int, string, string[])[] holes)
    {
        _text = text;
        _holes = holes;
    }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="FormatException"/> naming an unknown placeholder.</summary>
    public static PromptTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var holes = new List<(int, int, string, string[])>();
        foreach (Match m in Placeholder().Matches(text))
        {
            var parts = m.Groups[1].Value.Split('.');
            var root = parts[0];
            var path = parts[1..];
            var ok = root switch
            {
                "input" or "lifetime_input" => path.All(p => p.Length > 0),
                "node" or "iteration" or "attempt" => path.Length == 0,
                _ => false,
            };
            if (!ok)
            {
                throw new FormatException($"unknown placeholder {m.Value} at character {m.Index + 1} (use {{{{input}}}}, {{{{input.field}}}}, {{{{lifetime_input.field}}}}, {{{{node}}}}, {{{{iteration}}}} or {{{{attempt}}}})");
            }

            holes.Add((m.Index, m.Length, root, path));
        }

        return new PromptTemplate(text, holes.ToArray());
    }

    public string Render(JsonElement input, JsonElement lifetimeInput, string node, int iteration, int attempt)
    {
        if (_holes.Length == 0)
        {
            return _text;
        }

        var sb = new StringBuilder(_text.Length + 64);
        var at = 0;
        foreach (var (start, length, root, path) in _holes)
        {
            sb.Append(_text, at, start - at);
            sb.Append(root switch
            {
                "input" => Field(input, "input", path),
                "lifetime_input" => Field(lifetimeInput, "lifetime_input", path),
                "node" => node,
                "iteration" => iteration.ToString(System.Globalization.CultureInfo.InvariantCulture),
                _ => attempt.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
            at = start + length;
        }

        return sb.Append(_text, at, _text.Length - at).ToString();
    }

    private static string Field(JsonElement value, string root, string[] path)
    {
        foreach (var name in path)
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(name, out value))
            {
                throw new InvalidOperationException($"prompt placeholder {{{{{root}.{string.Join('.', path)}}}}}: {root} has no field '{name}'");
            }
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_\-]*)*)\s*\}\}")]
    private static partial Regex Placeholder();
}
