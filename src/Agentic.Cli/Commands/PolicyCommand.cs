using Agentic.Cli.Remote;
using System.CommandLine;
using System.Text.Json;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Guardrails;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic policy validate &lt;file|folder&gt;</c>: reads guardrail policies and lists them, or every problem with its location; <c>upload</c>, <c>show</c> and <c>remove</c> manage a tenant's own policies on a server.</summary>
internal static class PolicyCommand
{
    public static Command Create(CliIo io)
    {
        var pathArg = new Argument<string>("policies") { Description = "a policy YAML file or a folder of them" };
        var output = CliOptions.Output();
        var validate = new Command("validate", "Check guardrail policy files: keys, scopes, actions, windows, conditions") { pathArg, output };
        validate.SetAction((parse, _) => CommandErrors.Guard(io, () =>
        {
            var set = PolicyFileSource.Load(parse.GetValue(pathArg)!);
            if (parse.GetValue(output) == "json")
            {
                io.Output.WriteLine(JsonSerializer.Serialize(new
                {
                    valid = true,
                    version = set.Version,
                    policies = set.Policies.Select(p => new
                    {
                        name = p.Name,
                        scope = PolicyNames.Of(p.Scope),
                        action = PolicyNames.Of(p.Action),
                        when = p.Condition.Text,
                        window = p.Window?.ToString(),
                        tenant = p.Tenant,
                        graph = p.Graph,
                        location = p.Location.ToString(),
                    }),
                }));
                return Task.FromResult(ExitCodes.Completed);
            }

            var table = new Table().AddColumns("policy", "scope", "when", "action", "applies to");
            foreach (var p in set.Policies)
            {
                var appliesTo = string.Join(", ", new[] { p.Tenant is null ? null : "tenant " + p.Tenant, p.Graph is null ? null : "graph " + p.Graph, p.Window is null ? null : "window " + Core.Formats.DurationText.Format(p.Window.Value) }.OfType<string>());
                table.AddRow(Markup.Escape(p.Name), PolicyNames.Of(p.Scope), Markup.Escape(p.Condition.Text), PolicyNames.Of(p.Action), Markup.Escape(appliesTo.Length == 0 ? "all" : appliesTo));
            }

            io.Console.Write(table);
            io.Console.MarkupLine($"[green]valid[/]: {set.Policies.Count} polic{(set.Policies.Count == 1 ? "y" : "ies")}, policy set {set.Version}");
            return Task.FromResult(ExitCodes.Completed);
        }));
        return new Command("policy", "Guardrail policies") { validate, Upload(io), Show(io), Remove(io) };
    }

    /// <summary><c>policy upload FILE --server</c>: the file becomes the key's tenant's own policies on the server.</summary>
    private static Command Upload(CliIo io)
    {
        var fileArg = new Argument<string>("file") { Description = "the tenant's policy file (YAML)" };
        var output = CliOptions.Output();
        var command = new Command("upload", "Store a policy file as the API key's tenant's own policies on a server (--server): in force for its lifetimes on every silo") { fileArg, output };
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            using var client = Require(remote, parse, "upload");
            var path = parse.GetValue(fileArg)!;
            var text = File.Exists(path) ? await File.ReadAllTextAsync(path, ct).ConfigureAwait(false) : throw new CliInputException($"policy file '{path}' does not exist");
            var stored = await client.PutPoliciesAsync(text, ct).ConfigureAwait(false);
            return Print(io, stored, parse.GetValue(output) == "json", $"[green]uploaded[/]: policy set {stored.GetProperty("version").GetString()}, in force for the tenant's lifetimes");
        }));
        return command;
    }

    /// <summary><c>policy show --server</c>: the tenant's own policies and everything in force for it.</summary>
    private static Command Show(CliIo io)
    {
        var output = CliOptions.Output();
        var command = new Command("show", "Show the API key's tenant's own policies on a server (--server), and every policy in force for it") { output };
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            using var client = Require(remote, parse, "show");
            var policies = await client.GetPoliciesAsync(ct).ConfigureAwait(false);
            var inForce = policies.GetProperty("in_force");
            return Print(io, inForce, parse.GetValue(output) == "json" ? policies : null, $"policy set {inForce.GetProperty("version").GetString()} in force; the tenant's own file: {(policies.GetProperty("version").GetString() is { } own ? own : "none")}");
        }));
        return command;
    }

    /// <summary><c>policy remove --server</c>: the tenant's own policies are removed.</summary>
    private static Command Remove(CliIo io)
    {
        var command = new Command("remove", "Remove the API key's tenant's own policies from a server (--server)");
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            using var client = Require(remote, parse, "remove");
            await client.DeletePoliciesAsync(ct).ConfigureAwait(false);
            io.Console.MarkupLine("removed: the tenant's lifetimes are judged by the operator's policies only");
            return ExitCodes.Completed;
        }));
        return command;
    }

    private static Agentic.Client.AgenticClient Require(RemoteTarget remote, ParseResult parse, string verb) =>
        remote.Open(parse) ?? throw new CliInputException($"policy {verb} works on a server's tenant policies: give --server URL (and --api-key or AGENTIC_API_KEY)");

    private static int Print(CliIo io, JsonElement answer, bool json, string summary) => Print(io, answer, json ? answer : null, summary);

    /// <summary>The policies listed in <paramref name="answer"/> as a table and a summary line, or <paramref name="json"/> as is.</summary>
    private static int Print(CliIo io, JsonElement answer, JsonElement? json, string summary)
    {
        if (json is { } document)
        {
            io.Output.WriteLine(document.GetRawText());
            return ExitCodes.Completed;
        }

        var table = new Table().AddColumns("policy", "scope", "action", "applies to");
        foreach (var p in answer.GetProperty("policies").EnumerateArray())
        {
            var appliesTo = string.Join(", ", new[] { p.GetProperty("graph").GetString() is { } g ? "graph " + g : null, p.GetProperty("window").GetString() is { } w ? "window " + w : null }.OfType<string>());
            table.AddRow(Markup.Escape(p.GetProperty("name").GetString()!), p.GetProperty("scope").GetString()!, p.GetProperty("action").GetString()!, Markup.Escape(appliesTo.Length == 0 ? "all" : appliesTo));
        }

        io.Console.Write(table);
        io.Console.MarkupLine(summary);
        return ExitCodes.Completed;
    }
}
