using Agentic.Cli.Remote;
using System.CommandLine;
using Agentic.Core.Execution;
using Agentic.Orleans;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic pause|abort &lt;id&gt; [--reason]</c>: journals the command (with who and why) and prints the lifetime.</summary>
internal static class ControlCommand
{
    public static Command Create(CliIo io, LifetimeControl action)
    {
        var verb = action.ToString().ToLowerInvariant();
        var idArg = new Argument<string>("lifetime-id") { Description = $"the lifetime to {verb}" };
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var reason = CliOptions.Reason();
        var by = CliOptions.By();
        var description = action == LifetimeControl.Pause
            ? "Pause a lifetime: nothing new is dispatched; in-flight executions finish and are recorded"
            : "Abort a lifetime: in-flight executions are cancelled and recorded as cancelled; terminal";
        var command = new Command(verb, description) { idArg, db, output, reason, by };
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            var id = parse.GetValue(idArg)!;
            if (remote.Open(parse) is { } client)
            {
                return await RemoteLifetimes.ActAsync(
                    io,
                    client,
                    c => action == LifetimeControl.Pause ? c.PauseAsync(id, parse.GetValue(by), parse.GetValue(reason), ct) : c.AbortAsync(id, parse.GetValue(by), parse.GetValue(reason), ct),
                    parse.GetValue(output) == "json",
                    doneAsAsked: true,
                    ct).ConfigureAwait(false);
            }

            await using var silo = await CliRuntime.SiloForAsync(parse.GetValue(db)!, id, ct).ConfigureAwait(false);
            var actor = parse.GetValue(by)!;
            var lifetime = silo.Grains.GetGrain<IAgentLifetimeGrain>(id);
            await GrainStates.Call(() => action == LifetimeControl.Pause ? lifetime.PauseAsync(actor, parse.GetValue(reason)) : lifetime.AbortAsync(actor, parse.GetValue(reason))).ConfigureAwait(false);
            var view = GrainStates.ToView(await lifetime.WhenSettledAsync().WaitAsync(ct).ConfigureAwait(false));
            // Done as asked: an aborted lifetime is what abort is for, so it is not a failure of the command.
            LifetimeOutput.Print(io, view, parse.GetValue(output) == "json");
            return ExitCodes.Completed;
        }));
        return command;
    }
}
