using Agentic.Core.Graphs;
using Agentic.Core.Validation;

namespace Agentic.Core.Formats;

/// <summary>Reads a graph from text, choosing the format by file extension (.yaml/.yml, .dot/.gv, .json canonical).</summary>
public static class GraphReader
{
    /// <summary>Reads a graph file's bytes: strict UTF-8 within <see cref="InputLimits.MaxDocumentLength"/>, then <see cref="Parse(string, string)"/>.</summary>
    public static AgentGraph Read(ReadOnlySpan<byte> bytes, string file)
    {
        if (bytes.Length > 4 * InputLimits.MaxDocumentLength)
        {
            throw Refused(file, 1, 1, $"the file is {bytes.Length} bytes; a graph may have at most {InputLimits.MaxDocumentLength} characters");
        }

        return Utf8Text.TryDecode(bytes, file, out var at, out var bad) is { } text
            ? Parse(text, file)
            : throw Refused(file, at!.Line, at.Column, $"the file is not UTF-8: byte 0x{bad:X2} cannot start or continue a character here (save it as UTF-8)");
    }

    public static AgentGraph Parse(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length > InputLimits.MaxDocumentLength)
        {
            throw Refused(file, 1, 1, $"the graph is {text.Length} characters long; the limit is {InputLimits.MaxDocumentLength}");
        }

        var ext = Path.GetExtension(file).ToLowerInvariant();
        return ext switch
        {
            ".yaml" or ".yml" => YamlGraphReader.Read(text, file),
            ".dot" or ".gv" => DotGraphReader.Read(text, file),
            ".json" => FromJson(text, file),
            _ => throw new GraphValidationException([
                new GraphDiagnostic(DiagnosticSeverity.Error, "AG000", $"unknown graph file extension '{ext}' (use .yaml, .yml, .dot or .gv)", new SourceLocation(file, 1, 1)),
            ]),
        };
    }

    /// <summary>The canonical JSON form (what the journal stores with each lifetime), refused with a reason when it is not one.</summary>
    private static AgentGraph FromJson(string text, string file)
    {
        try
        {
            return CanonicalGraph.FromJson(text);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw Refused(file, (int)(ex.LineNumber ?? 0) + 1, (int)(ex.BytePositionInLine ?? 0) + 1, $"not valid JSON: {ex.Message.Split(" Path:", 2)[0]}");
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw Refused(file, 1, 1, "not a graph in canonical JSON (an object with name, version, nodes [{name, kind, type, config}] and edges [{from, to, kind}]); write graphs as YAML or DOT");
        }
    }

    private static GraphValidationException Refused(string file, int line, int column, string message) =>
        new([new GraphDiagnostic(DiagnosticSeverity.Error, "AG000", message, new SourceLocation(file, line, column))]);
}
