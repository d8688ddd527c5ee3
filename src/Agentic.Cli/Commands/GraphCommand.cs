using System.CommandLine;
using Agentic.Core.Formats;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic graph render &lt;graph&gt; --format mermaid|dot|json</c>.</summary>
internal static class GraphCommand
{
    public static Command Create(CliIo io)
    {
        var graphArg = new Argument<string>("graph") { Description = "graph file (.yaml, .yml, .dot, .json) or a folder holding graph.yaml" };
        var format = new Option<string>("--format", "-f") { Description = "mermaid, dot, or json (the canonical form the journal stores)", DefaultValueFactory = _ => "mermaid" }.AcceptOnlyFromAmong("mermaid", "dot", "json");
        var output = CliOptions.Output();
        var render = new Command("render", "Print a graph as a Mermaid flowchart, GraphViz DOT or canonical JSON") { graphArg, format, output };
        render.SetAction((parse, _) => CommandErrors.Guard(io, () =>
        {
            var graph = GraphFiles.Load(parse.GetValue(graphArg)!);
            var chosen = parse.GetValue(format)!;
            var text = chosen switch
            {
                "dot" => DotRenderer.Render(graph),
                "json" => graph.CanonicalJson + "\n",
                _ => MermaidRenderer.Render(graph),
            };
            if (parse.GetValue(output) == "json")
            {
                io.Output.WriteLine(JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("graph", graph.Name);
                    w.WriteString("version", graph.Version.ToString());
                    w.WriteString("hash", graph.ContentHash);
                    w.WriteString("format", chosen);
                    w.WriteString("text", text);
                    w.WriteEndObject();
                }));
            }
            else
            {
                io.Output.Write(text);
            }

            return Task.FromResult(ExitCodes.Completed);
        }));
        return new Command("graph", "Work with graph files") { render };
    }
}
