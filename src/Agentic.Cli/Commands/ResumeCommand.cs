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
            var counts = views.GroupBy(v => v.Phase).OrderBy(g => g.Key).Select(g => (Phase: g.Key.ToWireName(), Count: g.Count())).ToList();
            if (json)
            {
                io.Output.WriteLine(JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("recovered", views.Length);
                    w.WriteNumber("recovery_ms", Math.Round(elapsed.TotalMilliseconds, 1));
                    w.WriteStartObject("by_status");
                    foreach (var (phase, count) in counts)
                    {
                        w.WriteNumber(phase, count);
                    }

                    w.WriteEndObject();
                    w.WriteStartArray("lifetimes");
                    foreach (var v in views)
                    {
                        LifetimeText.Write(w, v);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }));
            }
            else
            {
                io.Console.MarkupLine($"recovered {views.Length} lifetime(s) in {elapsed.TotalMilliseconds:0} ms: {string.Join(", ", counts.Select(c => $"{c.Count} {c.Phase}"))}");
            }

            return views.Any(v => v.Phase is ExecutionPhase.Failed or ExecutionPhase.Aborted) ? ExitCodes.FailedOrAborted : ExitCodes.Completed;
        }));
        return command;
    }
}
