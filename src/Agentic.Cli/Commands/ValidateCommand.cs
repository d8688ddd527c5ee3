using System.CommandLine;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;
using Agentic.Runtime.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic validate &lt;graph&gt;</c>: reads and checks a graph against the registered node types.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliIo io)
    {
        var graphArg = new Argument<string>("graph") { Description = "graph file (.yaml, .yml, .dot) or a folder holding graph.yaml" };
        var output = CliOptions.Output();
        var command = new Command("validate", "Check a graph: format, node types, edges, reachability, joins") { graphArg, output };
        command.SetAction((parse, _) => CommandErrors.Guard(io, () =>
        {
            var json = parse.GetValue(output) == "json";
            var path = parse.GetValue(graphArg)!;
            AgentGraph graph;
            IReadOnlyList<GraphDiagnostic> diagnostics;
            try
            {
                graph = GraphFiles.Load(path);
                using var services = CliServices.Build(null);
                diagnostics = GraphValidator.Validate(graph, services.GetRequiredService<NodeRegistry>());
            }
            catch (GraphValidationException ex) when (json)
            {
                io.Output.WriteLine(ToJson(null, ex.Diagnostics));
                return Task.FromResult(ExitCodes.InvalidInput);
            }

            var valid = !diagnostics.Any(d => d.IsError);
            if (json)
            {
                io.Output.WriteLine(ToJson(graph, diagnostics));
            }
            else
            {
                CommandErrors.PrintDiagnostics(io, diagnostics);
                if (valid)
                {
                    io.Console.MarkupLine($"[green]valid[/]: {Markup.Escape($"{graph.Name} {graph.Version}")} ({graph.Nodes.Count} nodes, {graph.Edges.Count} edges, hash {graph.ContentHash[..12]})");
                }
            }

            return Task.FromResult(valid ? ExitCodes.Completed : ExitCodes.InvalidInput);
        }));
        return command;
    }

    private static string ToJson(AgentGraph? graph, IReadOnlyList<GraphDiagnostic> diagnostics) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteBoolean("valid", !diagnostics.Any(d => d.IsError));
        if (graph is not null)
        {
            w.WriteString("graph", graph.Name);
            w.WriteString("version", graph.Version.ToString());
            w.WriteString("content_hash", graph.ContentHash);
        }

        w.WriteStartArray("diagnostics");
        foreach (var d in diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("severity", d.IsError ? "error" : "warning");
            w.WriteString("code", d.Code);
            w.WriteString("message", d.Message);
            if (d.Location is { } at)
            {
                w.WriteString("file", at.File);
                w.WriteNumber("line", at.Line);
                w.WriteNumber("column", at.Column);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
