using Agentic.Cli.Remote;
using System.CommandLine;
using Agentic.Core.Execution;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic replay &lt;id&gt;</c>: rebuilds the lifetime from its journal without running a node; "identical" or the divergence.</summary>
internal static class ReplayCommand
{
    public static Command Create(CliIo io)
    {
        var idArg = new Argument<string>("lifetime-id") { Description = "the lifetime to replay" };
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var command = new Command("replay", "Replay a lifetime from its journal under its pinned graph; print divergences or \"identical\"") { idArg, db, output };
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            if (remote.Open(parse) is { } client)
            {
                using (client)
                {
                    return await ReplayRemoteAsync(io, client, parse.GetValue(idArg)!, parse.GetValue(output) == "json", ct).ConfigureAwait(false);
                }
            }

            await using var cli = CliRuntime.Open(parse.GetValue(db)!);
            var report = await cli.ReplayAsync(parse.GetValue(idArg)!, ct).ConfigureAwait(false);
            if (parse.GetValue(output) == "json")
            {
                io.Output.WriteLine(JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("lifetime_id", report.LifetimeId);
                    w.WriteBoolean("identical", report.Identical);
                    w.WriteNumber("records", report.Records);
                    w.WriteNumber("decisions", report.Decisions.Count);
                    w.WriteString("status", report.Phase.ToWireName());
                    if (report.Divergence is { } d)
                    {
                        w.WriteStartObject("divergence");
                        w.WriteNumber("sequence", d.Sequence);
                        w.WriteString("message", d.Message);
                        w.WriteEndObject();
                    }

                    w.WriteEndObject();
                }));
            }
            else if (report.Divergence is { } d)
            {
                io.Console.MarkupLine($"[red]divergence[/] at record {d.Sequence}: {Markup.Escape(d.Message)}");
            }
            else
            {
                io.Console.MarkupLine($"identical: {report.Records} records replayed, {report.Decisions.Count} routing decisions, {report.Phase.ToWireName()}");
            }

            return report.Identical ? ExitCodes.Completed : ExitCodes.FailedOrAborted;
        }));
        return command;
    }

    /// <summary>The server replays the journal (nothing runs); printed as the local replay prints.</summary>
    private static async Task<int> ReplayRemoteAsync(CliIo io, Agentic.Client.AgenticClient client, string id, bool json, CancellationToken ct)
    {
        var report = await client.ReplayAsync(id, ct).ConfigureAwait(false);
        if (json)
        {
            io.Output.WriteLine(JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("lifetime_id", id);
                w.WriteBoolean("identical", report.Identical);
                w.WriteNumber("records", report.Records);
                w.WriteString("status", report.Phase);
                if (report.Divergence is { } d)
                {
                    w.WriteStartObject("divergence");
                    w.WriteString("message", d);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }));
        }
        else if (report.Divergence is { } d)
        {
            io.Console.MarkupLine($"[red]divergence[/]: {Markup.Escape(d)}");
        }
        else
        {
            io.Console.MarkupLine($"identical: {report.Records} records replayed, {Markup.Escape(report.Phase)}");
        }

        return report.Identical ? ExitCodes.Completed : ExitCodes.FailedOrAborted;
    }
}
