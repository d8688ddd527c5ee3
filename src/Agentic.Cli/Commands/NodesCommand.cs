using System.CommandLine;
using Agentic.Core.Graphs;
using Agentic.Runtime.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic nodes</c>: the Task and Plan types a graph can use.</summary>
internal static class NodesCommand
{
    public static Command Create(CliIo io)
    {
        var output = CliOptions.Output();
        var command = new Command("nodes", "List the registered Task and Plan types") { output };
        command.SetAction((parse, _) => CommandErrors.Guard(io, () =>
        {
            using var services = CliServices.Build(null);
            var registrations = services.GetRequiredService<NodeRegistry>().Registrations;
            if (parse.GetValue(output) == "json")
            {
                io.Output.WriteLine(JsonText.Write(w =>
                {
                    w.WriteStartArray();
                    foreach (var r in registrations)
                    {
                        w.WriteStartObject();
                        w.WriteString("type", r.TypeName);
                        w.WriteString("kind", r.Kind == NodeKind.Task ? "task" : "plan");
                        w.WriteString("description", r.Description);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }));
                return Task.FromResult(ExitCodes.Completed);
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("type", "kind", "what it does");
            foreach (var r in registrations)
            {
                table.AddRow(r.TypeName, r.Kind == NodeKind.Task ? "task" : "plan", Markup.Escape(r.Description));
            }

            io.Console.Write(table);
            return Task.FromResult(ExitCodes.Completed);
        }));
        return command;
    }
}
