using System.Globalization;
using System.Text.Json;
using Agentic.Core.Blobs;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Journal;

/// <summary>
/// Journal records as JSON (snake_case, the seed's field names): what <c>agentic journal --output json</c> prints and the
/// web API's journal pages serve. One writer for both, so they never drift apart.
/// </summary>
public static class JournalJson
{
    /// <summary>
    /// Writes <paramref name="records"/> as one JSON array. A payload kept in the blob store is written inline (read from
    /// the store), or by <paramref name="blob"/> when given (a reference, say, which a web API serves on its own).
    /// </summary>
    public static void WriteRecords(Utf8JsonWriter w, IReadOnlyList<JournalEntry> records, Action<Utf8JsonWriter, BlobReference>? blob = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(records);
        w.WriteStartArray();
        foreach (var r in records)
        {
            WriteRecord(w, r, blob);
        }

        w.WriteEndArray();
    }

    /// <summary>Writes one record as a JSON object (see <see cref="WriteRecords"/>).</summary>
    public static void WriteRecord(Utf8JsonWriter w, JournalEntry r, Action<Utf8JsonWriter, BlobReference>? blob = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(r);
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
                WritePayload(w, "input", s.Input, blob);
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

                WritePayload(w, "result", e.Result, blob);
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
                WritePayload(w, "result", end.Result, blob);
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

    /// <summary>A payload as JSON (its own JSON, or a string for other media types; one kept in the blob store by <paramref name="blob"/> when given); null as null.</summary>
    public static void WritePayload(Utf8JsonWriter w, string name, Payload? payload, Action<Utf8JsonWriter, BlobReference>? blob = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.WritePropertyName(name);
        if (payload is null)
        {
            w.WriteNullValue();
        }
        else if (payload.Blob is { } reference && blob is not null)
        {
            blob(w, reference);
        }
        else if (payload.IsJson && payload.Bytes.Span.IndexOf("\\u"u8) < 0)
        {
            w.WriteRawValue(payload.Bytes.Span, skipInputValidation: true);
        }
        else if (payload.IsJson)
        {
            // Stored payloads escape + > ' and the like as \u002B…; written again through this writer they read as typed.
            using var doc = JsonDocument.Parse(payload.Bytes);
            doc.RootElement.WriteTo(w);
        }
        else
        {
            w.WriteStringValue(payload.ToJsonString());
        }
    }

    private static void WriteDecision(Utf8JsonWriter w, Core.Guardrails.PolicyDecision? d)
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
}
