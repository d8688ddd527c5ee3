using System.Globalization;
using System.Text.Json;
using Agentic.Client;
using Agentic.Core.Execution;
using Agentic.Runtime.Lifetimes;
using Spectre.Console;

namespace Agentic.Cli.Remote;

/// <summary>The server's answers as the CLI prints them: lifetimes as the embedded commands' views, journal records as a timeline.</summary>
internal static class RemoteViews
{
    public static LifetimeView ToView(LifetimeResource r) => new(
        r.Id,
        r.Tenant ?? string.Empty,
        r.Graph,
        r.Version,
        r.GraphHash,
        PhaseOf(r.Phase),
        r.LastSequence,
        r.Executions,
        r.Iterations,
        PayloadOf(r.Result),
        r.Reason,
        r.Awaiting.Select(a => new AwaitedExecution(a.ExecutionId, a.Node, a.NodeType ?? string.Empty, a.Attempt, a.Iteration, PhaseOf(a.Phase), PayloadOf(a.Prompt))).ToArray(),
        r.TokensUsed,
        r.CostUsd);

    /// <summary>The records as one JSON array: what <c>agentic journal --output json</c> prints for a local journal.</summary>
    public static string ToJson(IReadOnlyList<JsonElement> records) => JsonSerializer.Serialize(records);

    /// <summary>The records as a table: sequence, time since the start record, description.</summary>
    public static void PrintTimeline(CliIo io, IReadOnlyList<JsonElement> records)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("seq", "at", "record");
        var t0 = records.Count == 0 ? default : RecordedAt(records[0]);
        foreach (var r in records)
        {
            table.AddRow(
                r.GetProperty("sequence").GetInt64().ToString(CultureInfo.InvariantCulture),
                $"+{(RecordedAt(r) - t0).TotalMilliseconds:0.###} ms",
                Markup.Escape(Describe(r)));
        }

        io.Console.Write(table);
    }

    /// <summary>One record in a line, as the local timeline describes it.</summary>
    public static string Describe(JsonElement r) => Text(r, "type") switch
    {
        "lifetime_started" => $"started {Text(r, "graph")} {Text(r, "version")} (tenant {Text(r, "tenant_id")}, hash {Short(Text(r, "graph_hash"))}, iteration cap {r.GetProperty("iteration_cap").GetInt32()})",
        "task_execution" or "plan_execution" => DescribeExecution(r),
        "lifetime_controlled" => $"{Text(r, "action")} by {Text(r, "actor")}{(Text(r, "reason") is { } why ? ": " + why : string.Empty)}",
        "lifetime_ended" => $"lifetime {Text(r, "status")}{(Text(r, "reason") is { } why ? ": " + why : string.Empty)}",
        var other => other ?? "record",
    };

    private static string DescribeExecution(JsonElement r)
    {
        var plan = Text(r, "type") == "plan_execution";
        var status = Text(r, "status");
        var result = r.TryGetProperty("result", out var value) && value.ValueKind != JsonValueKind.Null ? value.GetRawText() : "null";
        var what = status switch
        {
            "completed" when plan => "→ " + (r.GetProperty("next_task_names").GetArrayLength() == 0 ? "(branch ends)" : string.Join(", ", r.GetProperty("next_task_names").EnumerateArray().Select(n => n.GetString()))),
            "completed" => "→ " + JsonText.Shorten(result, 70),
            "waiting" => "… " + JsonText.Shorten(result, 70),
            _ => Text(r, "error") ?? string.Empty,
        };
        var latency = r.GetProperty("latency_ms").GetDouble().ToString("0.###", CultureInfo.InvariantCulture);
        var spend = r.GetProperty("tokens_used").GetInt64() is > 0 and var tokens ? $"  ({UsageText.Spend(tokens, r.GetProperty("cost_usd").GetDouble())})" : string.Empty;
        return $"{Text(r, "node"),-16} {(plan ? "plan" : "task")} {Text(r, "node_type"),-10} {status,-9} it {r.GetProperty("iteration_idx").GetInt32(),-3} try {r.GetProperty("attempt").GetInt32()} {latency,7} ms  {what}{spend}";
    }

    private static string Short(string? hash) => hash is null ? "?" : hash[..Math.Min(12, hash.Length)];

    private static DateTimeOffset RecordedAt(JsonElement r) => DateTimeOffset.Parse(r.GetProperty("recorded_at").GetString()!, CultureInfo.InvariantCulture);

    private static string? Text(JsonElement r, string name) => r.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Payload? PayloadOf(JsonElement? json) => json is { } element ? Payload.FromElement(element) : null;

    private static ExecutionPhase PhaseOf(string wire) =>
        Enum.GetValues<ExecutionPhase>().FirstOrDefault(p => p.ToWireName() == wire, ExecutionPhase.Pending);
}
