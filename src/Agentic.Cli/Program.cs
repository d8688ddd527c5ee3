using Agentic.Cli;

return await AgenticCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
