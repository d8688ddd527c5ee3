using System.CommandLine;
using Agentic.Core.Formats;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic graph render &lt;graph&gt; --format mermaid|dot</c>.</summary>
internal static class GraphCommand
{
    public static Command Create(CliIo io)
    {
        var graphArg = new Argument<string>("graph") { Description = "graph file (.yaml, .yml, .dot) or a folder holding graph.yaml" };
        var format = new Option<string>("--format", "-f") { Description = "mermaid or dot", DefaultValueFactory = _ => "mermaid" }.AcceptOnlyFromAmong("mermaid", "dot");
        var render = new Command("render", "Print a graph as a Mermaid flowchart or GraphViz DOT") { graphArg, format };
        render.SetAction((parse, _) => CommandErrors.Guard(io, () =>
        {
            var graph = GraphFiles.Load(parse.GetValue(graphArg)!);
            io.Output.Write(parse.GetValue(format) == "dot" ? DotRenderer.Render(graph) : MermaidRenderer.Render(graph));
            return Task.FromResult(ExitCodes.Completed);
        }));
        return new Command("graph", "Work with graph files") { render };
    }
}
