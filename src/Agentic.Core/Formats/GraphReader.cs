using Agentic.Core.Graphs;
using Agentic.Core.Validation;

namespace Agentic.Core.Formats;

/// <summary>Reads a graph from text, choosing the format by file extension (.yaml/.yml, .dot/.gv, .json canonical).</summary>
public static class GraphReader
{
    public static AgentGraph Parse(string text, string file)
    {
        var ext = Path.GetExtension(file).ToLowerInvariant();
        return ext switch
        {
            ".yaml" or ".yml" => YamlGraphReader.Read(text, file),
            ".dot" or ".gv" => DotGraphReader.Read(text, file),
            ".json" => CanonicalGraph.FromJson(text),
            _ => throw new GraphValidationException([
                new GraphDiagnostic(DiagnosticSeverity.Error, "AG000", $"unknown graph file extension '{ext}' (use .yaml, .yml, .dot or .gv)", new SourceLocation(file, 1, 1)),
            ]),
        };
    }
}
