using System.CommandLine;
using System.Text.Json;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Guardrails;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic policy validate &lt;file|folder&gt;</c>: reads guardrail policies and lists them, or every problem with its location.</summary>
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
        return new Command("policy", "Guardrail policies") { validate };
    }
}
