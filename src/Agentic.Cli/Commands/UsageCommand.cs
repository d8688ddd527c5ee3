using Agentic.Cli.Remote;
using System.CommandLine;
using System.Globalization;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Guardrails;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic usage [--tenant T] [--lifetime L]</c>: tokens and cost so far, by node and by model.</summary>
internal static class UsageCommand
{
    public static Command Create(CliIo io)
    {
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var tenant = new Option<string?>("--tenant") { Description = "only this tenant's lifetimes (also shows its guardrail ledger)" };
        var lifetime = new Option<string?>("--lifetime") { Description = "only this lifetime" };
        var command = new Command("usage", "Tokens and cost so far, by tenant, node and model, from the journal") { db, output, tenant, lifetime };
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            if (remote.Open(parse) is { } client)
            {
                using (client)
                {
                    if (parse.GetValue(tenant) is not null || parse.GetValue(lifetime) is not null)
                    {
                        throw new CliInputException("usage --server shows the API key's tenant's usage: --tenant and --lifetime do not apply");
                    }

                    return await UsageRemoteAsync(io, await client.UsageAsync(ct).ConfigureAwait(false), parse.GetValue(output) == "json").ConfigureAwait(false);
                }
            }

            await using var cli = CliRuntime.Open(parse.GetValue(db)!);
            var store = cli.Journal;
            var tenantId = parse.GetValue(tenant);
            UsageReport report;
            try
            {
                report = await UsageReport.ReadAsync(store, tenantId, parse.GetValue(lifetime), ct).ConfigureAwait(false);
            }
            catch (ArgumentException ex)
            {
                throw new CliInputException(ex.Message);
            }

            var ledger = tenantId is null ? null : await store.ReadTenantLedgerAsync(tenantId, ct).ConfigureAwait(false) is { } state
                ? TenantLedger.Restore(state.State.Span, tenantId, DateTimeOffset.UtcNow)
                : null;
            if (parse.GetValue(output) == "json")
            {
                io.Output.WriteLine(ToJson(report, ledger));
                return ExitCodes.Completed;
            }

            var table = new Table().Border(TableBorder.Simple).AddColumns("tenant", "node", "model", "executions", "input", "output", "tokens", "cost");
            foreach (var l in report.Lines)
            {
                table.AddRow(
                    Markup.Escape(l.TenantId),
                    Markup.Escape(l.Node),
                    Markup.Escape(l.Model.Length == 0 ? "-" : l.Model),
                    l.Executions.ToString(CultureInfo.InvariantCulture),
                    UsageText.Tokens(l.InputTokens),
                    UsageText.Tokens(l.OutputTokens),
                    UsageText.Tokens(l.TokensUsed),
                    UsageText.Usd(l.CostUsd));
            }

            table.AddRow("[bold]total[/]", string.Empty, string.Empty, report.Lines.Sum(l => l.Executions).ToString(CultureInfo.InvariantCulture), UsageText.Tokens(report.InputTokens), UsageText.Tokens(report.OutputTokens), $"[bold]{UsageText.Tokens(report.TokensUsed)}[/]", $"[bold]{UsageText.Usd(report.CostUsd)}[/]");
            io.Console.Write(table);
            io.Console.MarkupLine($"{report.Lifetimes} lifetime(s), {report.Executions} execution(s) read; {report.Executions - report.Lines.Sum(l => l.Executions)} spent nothing and are not listed");
            if (ledger is not null)
            {
                var all = ledger.AllTime;
                io.Console.MarkupLine($"tenant {Markup.Escape(ledger.TenantId)} guardrail ledger: {UsageText.Spend((long)all.Sum(0), all.Sum(3))} over {ledger.Charges} charged execution(s)");
            }

            return ExitCodes.Completed;
        }));
        return command;
    }

    private static string ToJson(UsageReport report, TenantLedger? ledger) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("lifetimes", report.Lifetimes);
        w.WriteNumber("executions", report.Executions);
        w.WriteNumber("tokens_used", report.TokensUsed);
        w.WriteNumber("input_tokens", report.InputTokens);
        w.WriteNumber("output_tokens", report.OutputTokens);
        w.WriteNumber("cost_usd", report.CostUsd);
        w.WriteStartArray("by_node_and_model");
        foreach (var l in report.Lines)
        {
            w.WriteStartObject();
            w.WriteString("tenant", l.TenantId);
            w.WriteString("node", l.Node);
            w.WriteString("model", l.Model);
            w.WriteNumber("executions", l.Executions);
            w.WriteNumber("input_tokens", l.InputTokens);
            w.WriteNumber("output_tokens", l.OutputTokens);
            w.WriteNumber("tokens_used", l.TokensUsed);
            w.WriteNumber("cost_usd", l.CostUsd);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (ledger is not null)
        {
            w.WriteStartObject("tenant_ledger");
            w.WriteString("tenant", ledger.TenantId);
            w.WriteNumber("charges", ledger.Charges);
            w.WriteNumber("tokens_used", ledger.AllTime.Sum(0));
            w.WriteNumber("cost_usd", ledger.AllTime.Sum(3));
            w.WriteEndObject();
        }

        w.WriteEndObject();
    });

    /// <summary>The key's tenant's usage as the server reports it (its JSON as is, or the local command's table).</summary>
    private static Task<int> UsageRemoteAsync(CliIo io, System.Text.Json.JsonElement usage, bool json)
    {
        if (json)
        {
            io.Output.WriteLine(usage.GetRawText());
            return Task.FromResult(ExitCodes.Completed);
        }

        var table = new Table().Border(TableBorder.Simple).AddColumns("node", "model", "executions", "input", "output", "tokens", "cost");
        foreach (var l in usage.GetProperty("by_node").EnumerateArray())
        {
            table.AddRow(
                Markup.Escape(l.GetProperty("node").GetString()!),
                Markup.Escape(l.GetProperty("model").GetString() ?? "-"),
                l.GetProperty("executions").GetInt64().ToString(CultureInfo.InvariantCulture),
                UsageText.Tokens(l.GetProperty("input_tokens").GetInt64()),
                UsageText.Tokens(l.GetProperty("output_tokens").GetInt64()),
                UsageText.Tokens(l.GetProperty("tokens_used").GetInt64()),
                UsageText.Usd(l.GetProperty("cost_usd").GetDouble()));
        }

        table.AddRow("[bold]total[/]", string.Empty, usage.GetProperty("executions").GetInt64().ToString(CultureInfo.InvariantCulture), UsageText.Tokens(usage.GetProperty("input_tokens").GetInt64()), UsageText.Tokens(usage.GetProperty("output_tokens").GetInt64()), $"[bold]{UsageText.Tokens(usage.GetProperty("tokens_used").GetInt64())}[/]", $"[bold]{UsageText.Usd(usage.GetProperty("cost_usd").GetDouble())}[/]");
        io.Console.Write(table);
        io.Console.MarkupLine($"{usage.GetProperty("lifetimes").GetInt64()} lifetime(s) on the server");
        return Task.FromResult(ExitCodes.Completed);
    }
}
