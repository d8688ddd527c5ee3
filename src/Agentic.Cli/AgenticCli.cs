using System.CommandLine;
using Agentic.Cli.Commands;

namespace Agentic.Cli;

/// <summary>The command tree. <see cref="RunAsync"/> is what Program calls, and what the CLI tests call in-process.</summary>
public static class AgenticCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var io = new CliIo(output, error);
        var root = new RootCommand("agentic: run durable agent graphs embedded (SQLite, no server) and inspect their journals")
        {
            RunCommand.Create(io),
            ValidateCommand.Create(io),
            PolicyCommand.Create(io),
            UsageCommand.Create(io),
            GraphCommand.Create(io),
            JournalCommand.Create(io),
            NodesCommand.Create(io),
            ResumeCommand.Create(io),
            LifetimesCommand.Create(io),
            ShowCommand.Create(io),
            ControlCommand.Create(io, Core.Execution.LifetimeControl.Pause),
            ControlCommand.Create(io, Core.Execution.LifetimeControl.Abort),
            InputCommand.Create(io),
            ReplayCommand.Create(io),
            ForkCommand.Create(io),
        };
        var config = new InvocationConfiguration { Output = output, Error = error };
        // "@file" means a JSON input file here (--input @in.json), not a response file of arguments.
        var parser = new ParserConfiguration { ResponseFileTokenReplacer = null };
        var parsed = root.Parse(args, parser);
        if (parsed.Errors.Count > 0)
        {
            // The errors and where to look, not the whole help: exit 64 (usage error) for every command.
            foreach (var problem in parsed.Errors)
            {
                io.Fail(ExitCodes.UsageError, problem.Message);
            }

            var path = string.Join(' ', EnumerateCommands(parsed.CommandResult).Reverse());
            error.WriteLine($"usage: see '{path} --help'");
            return ExitCodes.UsageError;
        }

        try
        {
            return await parsed.InvokeAsync(config, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            io.Flush();
        }
    }

    private static IEnumerable<string> EnumerateCommands(System.CommandLine.Parsing.CommandResult? result)
    {
        for (var r = result; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            yield return r.Command is RootCommand ? "agentic" : r.Command.Name;
        }
    }
}
