using Agentic.Cli.Remote;
using System.CommandLine;
using Agentic.Orleans;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic input &lt;id&gt; &lt;execution&gt; JSON|@file</c>: completes a waiting execution, then runs the lifetime on.</summary>
internal static class InputCommand
{
    public static Command Create(CliIo io)
    {
        var idArg = new Argument<string>("lifetime-id") { Description = "the lifetime" };
        var executionArg = new Argument<string>("execution-id") { Description = "the waiting execution (see agentic show)" };
        var payloadArg = new Argument<string>("input") { Description = "its result: JSON text, or @file holding JSON" };
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var by = CliOptions.By();
        var command = new Command("input", "Provide the input a waiting execution asked for (exactly once)") { idArg, executionArg, payloadArg, db, output, by };
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            var payload = InputText.Parse(parse.GetValue(payloadArg));
            var id = parse.GetValue(idArg)!;
            if (remote.Open(parse) is { } client)
            {
                using var json = System.Text.Json.JsonDocument.Parse(payload.ToJsonString());
                var input = json.RootElement.Clone();
                return await RemoteLifetimes.ActAsync(io, client, c => c.ProvideInputAsync(id, parse.GetValue(executionArg)!, input, parse.GetValue(by), ct), parse.GetValue(output) == "json", doneAsAsked: false, ct).ConfigureAwait(false);
            }

            await using var silo = await CliRuntime.SiloForAsync(parse.GetValue(db)!, id, ct).ConfigureAwait(false);
            var lifetime = silo.Grains.GetGrain<IAgentLifetimeGrain>(id);
            await GrainStates.Call(() => lifetime.ProvideInputAsync(parse.GetValue(executionArg)!, GrainStates.Data(payload), parse.GetValue(by)!)).ConfigureAwait(false);
            return LifetimeOutput.Print(io, GrainStates.ToView(await lifetime.WhenSettledAsync().WaitAsync(ct).ConfigureAwait(false)), parse.GetValue(output) == "json");
        }));
        return command;
    }
}
