using System.CommandLine;
using Agentic.Core.Execution;
using Agentic.Runtime.Lifetimes;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary>
/// <c>agentic resume</c>: re-activates every unfinished lifetime in the journal (crash recovery) and runs them until
/// each ends, waits for input or is paused. <c>agentic resume &lt;id&gt;</c>: resumes one paused lifetime.
/// </summary>
internal static class ResumeCommand
{
    public static Command Create(CliIo io)
    {
        var idArg = new Argument<string?>("lifetime-id") { Description = "a paused lifetime to resume (omit to recover every unfinished lifetime)", Arity = ArgumentArity.ZeroOrOne };
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var reason = CliOptions.Reason();
        var by = CliOptions.By();
        var command = new Command("resume", "Recover every unfinished lifetime after a crash, or resume one paused lifetime") { idArg, db, output, reason, by };
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            await using var cli = CliRuntime.Open(parse.GetValue(db)!);
            var json = parse.GetValue(output) == "json";
            if (parse.GetValue(idArg) is { } id)
            {
                await cli.Runtime.ResumeAsync(id, parse.GetValue(by)!, parse.GetValue(reason)).ConfigureAwait(false);
                return LifetimeOutput.Print(io, await cli.Runtime.WhenSettledAsync(id).WaitAsync(ct).ConfigureAwait(false), json);
            }

            var started = TimeProvider.System.GetTimestamp();
            var handles = await cli.Runtime.RecoverAsync(ct).ConfigureAwait(false);
            if (!json)
            {
                io.Console.MarkupLine($"recovering {handles.Count} unfinished lifetime(s) from {Markup.Escape(parse.GetValue(db)!)}");
            }

            var views = await Task.WhenAll(handles.Select(h => cli.Runtime.WhenSettledAsync(h.LifetimeId))).WaitAsync(ct).ConfigureAwait(false);
            var elapsed = TimeProvider.System.GetElapsedTime(started);
            return SettledSummary.Print(io, views, elapsed, json, "recovered", "recovered", "recovery_ms", listLifetimes: true);
        }));
        return command;
    }
}
