using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Storage.Blobs;
using Agentic.Storage.Sqlite;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary><c>agentic journal &lt;lifetime-id&gt;</c>: prints a lifetime's records in sequence order.</summary>
internal static class JournalCommand
{
    public static Command Create(CliIo io)
    {
        var idArg = new Argument<string>("lifetime-id") { Description = "the lifetime to show" };
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var command = new Command("journal", "Print a lifetime's journal records") { idArg, db, output };
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            var path = parse.GetValue(db)!;
            if (!File.Exists(path))
            {
                throw new CliInputException($"journal database '{path}' does not exist (pass --db)");
            }

            var id = parse.GetValue(idArg)!;
            await using var store = new SqliteJournalStore(new SqliteJournalOptions { Path = path }, new LocalBlobStore(CliServices.BlobRootFor(path)));
            var records = new List<JournalEntry>();
            await foreach (var entry in store.ReadAsync(id, 1, ct).ConfigureAwait(false))
            {
                records.Add(entry);
            }

            if (records.Count == 0)
            {
                throw CliRuntime.NotFound(id, parse.GetValue(db)!);
            }

            if (parse.GetValue(output) == "json")
            {
                io.Output.WriteLine(ToJson(records));
            }
            else
            {
                PrintTable(io, records);
            }

            return ExitCodes.Completed;
        }));
        return command;
    }

    internal static string ToJson(IReadOnlyList<JournalEntry> records) => JsonText.Write(w =>
    {
        w.WriteStartArray();
        foreach (var r in records)
        {
            w.WriteStartObject();
            w.WriteNumber("sequence", r.Sequence);
            w.WriteString("lifetime_id", r.LifetimeId);
            w.WriteString("recorded_at", r.RecordedAt.ToString("O", CultureInfo.InvariantCulture));
            switch (r)
            {
                case LifetimeStartedEntry s:
                    w.WriteString("type", "lifetime_started");
                    w.WriteString("tenant_id", s.TenantId);
                    w.WriteString("graph", s.GraphName);
                    w.WriteString("version", s.GraphVersion);
                    w.WriteString("graph_hash", s.GraphHash);
                    w.WriteNumber("iteration_cap", s.IterationCap);
                    JsonText.WritePayload(w, "input", s.Input);
                    break;
                case ExecutionEntry e:
                    w.WriteString("type", e.NodeKind == NodeKind.Task ? "task_execution" : "plan_execution");
                    w.WriteString("execution_id", e.ExecutionId);
                    w.WriteString("node", e.NodeName);
                    w.WriteString("node_type", e.NodeType);
                    w.WriteString("status", e.Phase.ToWireName());
                    w.WriteNumber("attempt", e.Attempt);
                    w.WriteNumber("iteration_idx", e.Iteration);
                    w.WriteString("edge_taken", e.EdgeTaken);
                    w.WriteString("idempotency_key", e.IdempotencyKey);
                    w.WritePropertyName("parent_ids");
                    JsonSerializer.Serialize(w, e.ParentIds);
                    if (e.NodeKind == NodeKind.Plan)
                    {
                        w.WritePropertyName("next_task_names");
                        JsonSerializer.Serialize(w, e.NextTaskNames);
                    }

                    JsonText.WritePayload(w, "result", e.Result);
                    if (e.Error is not null)
                    {
                        w.WriteString("error", e.Error);
                    }

                    w.WriteNumber("tokens_used", e.Telemetry.TokensUsed);
                    w.WriteNumber("input_tokens", e.Telemetry.InputTokens);
                    w.WriteNumber("output_tokens", e.Telemetry.OutputTokens);
                    w.WriteNumber("cost_usd", e.Telemetry.CostUsd);
                    w.WriteNumber("latency_ms", Math.Round(e.Telemetry.LatencyMs, 3));
                    if (e.Telemetry.Model is { } model)
                    {
                        w.WriteString("model", model);
                    }

                    if (e.Telemetry.Metrics is { Count: > 0 } metrics)
                    {
                        w.WriteStartObject("metrics");
                        foreach (var (name, value) in metrics)
                        {
                            w.WriteNumber(name, value);
                        }

                        w.WriteEndObject();
                    }

                    if (e.PolicySetVersion is { } version)
                    {
                        w.WriteString("policy_set_version", version);
                    }

                    WriteDecision(w, e.Decision);
                    break;
                case ControlEntry c:
                    w.WriteString("type", "lifetime_controlled");
                    w.WriteString("action", c.Action.ToString().ToLowerInvariant());
                    w.WriteString("actor", c.Actor);
                    if (c.Reason is not null)
                    {
                        w.WriteString("reason", c.Reason);
                    }

                    WriteDecision(w, c.Decision);
                    break;
                case LifetimeEndedEntry end:
                    w.WriteString("type", "lifetime_ended");
                    w.WriteString("status", end.Phase.ToWireName());
                    JsonText.WritePayload(w, "result", end.Result);
                    if (end.Reason is not null)
                    {
                        w.WriteString("reason", end.Reason);
                    }

                    w.WriteNumber("executions", end.Executions);
                    w.WriteNumber("iterations", end.Iterations);
                    break;
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    private static void WriteDecision(System.Text.Json.Utf8JsonWriter w, Core.Guardrails.PolicyDecision? d)
    {
        if (d is null)
        {
            return;
        }

        w.WriteStartObject("policy_decision");
        w.WriteString("policy", d.Policy);
        w.WriteString("scope", Core.Guardrails.PolicyNames.Of(d.Scope));
        w.WriteString("action", Core.Guardrails.PolicyNames.Of(d.Action));
        w.WriteString("subject", d.Subject);
        w.WriteNumber("measured", d.Measured);
        w.WriteNumber("threshold", d.Threshold);
        w.WriteString("policy_set_version", d.PolicySetVersion);
        w.WriteEndObject();
    }

    private static void PrintTable(CliIo io, List<JournalEntry> records)
    {
        io.Console.MarkupLine($"[bold]lifetime {Markup.Escape(records[0].LifetimeId)}[/] — {records.Count} records");
        PrintTimeline(io, records);
    }

    /// <summary>The records as a table: sequence, time since the start record, description.</summary>
    internal static void PrintTimeline(CliIo io, IReadOnlyList<JournalEntry> records)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("seq", "at", "record");
        var t0 = records[0].RecordedAt;
        foreach (var r in records)
        {
            table.AddRow(
                r.Sequence.ToString(CultureInfo.InvariantCulture),
                $"+{(r.RecordedAt - t0).TotalMilliseconds:0.###} ms",
                Markup.Escape(ProgressPrinter.Describe(r)));
        }

        io.Console.Write(table);
    }
}
