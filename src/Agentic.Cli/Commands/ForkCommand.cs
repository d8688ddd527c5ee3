using Agentic.Cli.Remote;
using System.CommandLine;
using Agentic.Orleans;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic fork &lt;id&gt; --from &lt;seq&gt;</c>: a new lifetime sharing the journal up to seq, run live from there.</summary>
internal static class ForkCommand
{
    public static Command Create(CliIo io)
    {
        var idArg = new Argument<string>("lifetime-id") { Description = "the lifetime to fork (left untouched)" };
        var from = new Option<long>("--from") { Description = "last record to share (see agentic show)", Required = true };
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var command = new Command("fork", "Start a new lifetime from a lifetime's record N and run it from there") { idArg, from, db, output };
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            if (remote.Open(parse) is { } client)
            {
                return await RemoteLifetimes.ActAsync(io, client, c => c.ForkAsync(parse.GetValue(idArg)!, parse.GetValue(from), ct), parse.GetValue(output) == "json", doneAsAsked: false, ct).ConfigureAwait(false);
            }

            await using var silo = await CliRuntime.SiloForAsync(parse.GetValue(db)!, parse.GetValue(idArg)!, ct).ConfigureAwait(false);
            var fork = silo.Grains.GetGrain<IAgentLifetimeGrain>(CliSilo.NewLifetimeId());
            await GrainStates.Call(() => fork.ForkAsync(parse.GetValue(idArg)!, parse.GetValue(from))).ConfigureAwait(false);
            return LifetimeOutput.Print(io, GrainStates.ToView(await fork.WhenSettledAsync().WaitAsync(ct).ConfigureAwait(false)), parse.GetValue(output) == "json");
        }));
        return command;
    }
}
