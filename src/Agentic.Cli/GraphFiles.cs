using Agentic.Core.Formats;
using Agentic.Core.Graphs;

namespace Agentic.Cli;

/// <summary>Reads a graph file named on the command line (a folder means its graph.yaml).</summary>
internal static class GraphFiles
{
    private static readonly string[] FolderGraphNames = ["graph.yaml", "graph.yml", "graph.dot", "agent_graph.dot"];

    public static AgentGraph Load(string path)
    {
        if (Directory.Exists(path))
        {
            var inFolder = FolderGraphNames.Select(f => Path.Combine(path, f)).FirstOrDefault(File.Exists);
            path = inFolder ?? throw new CliInputException($"folder '{path}' has no graph.yaml, graph.yml, graph.dot or agent_graph.dot");
        }

        if (!File.Exists(path))
        {
            throw new CliInputException($"graph file '{path}' does not exist");
        }

        if (new FileInfo(path).Length > 4L * Core.Validation.InputLimits.MaxDocumentLength)
        {
            throw new CliInputException($"graph file '{path}' is {new FileInfo(path).Length} bytes; a graph may have at most {Core.Validation.InputLimits.MaxDocumentLength} characters");
        }

        return GraphReader.Read(File.ReadAllBytes(path), path);
    }
}
