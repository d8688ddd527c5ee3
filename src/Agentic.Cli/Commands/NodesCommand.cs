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
        var command = new Command("nodes", "List the registered Task and Plan types");
        command.SetAction(_ =>
        {
            using var services = CliServices.Build(null);
            var table = new Table().Border(TableBorder.Simple).AddColumns("type", "kind", "what it does");
            foreach (var r in services.GetRequiredService<NodeRegistry>().Registrations)
            {
                table.AddRow(r.TypeName, r.Kind == NodeKind.Task ? "task" : "plan", Markup.Escape(r.Description));
            }

            io.Console.Write(table);
            return ExitCodes.Completed;
        });
        return command;
    }
}
