using System.Globalization;
using System.Text.Json;
using Agentic.Core.Execution;
using Agentic.Runtime.Lifetimes;
using Spectre.Console;

namespace Agentic.Cli;

/// <summary>How the lifetime commands print a lifetime's state: a table for people, one JSON object for tools.</summary>
internal static class LifetimeText
{
    public static string ToJson(LifetimeView v) => JsonText.Write(w => Write(w, v));

    public static void Write(Utf8JsonWriter w, LifetimeView v)
    {
        w.WriteStartObject();
        w.WriteString("lifetime_id", v.LifetimeId);
        w.WriteString("graph", v.GraphName);
        w.WriteString("version", v.GraphVersion);
        w.WriteString("tenant", v.TenantId);
        w.WriteString("status", v.Phase.ToWireName());
        w.WriteNumber("last_sequence", v.LastSequence);
        w.WriteNumber("executions", v.Executions);
        w.WriteNumber("iterations", v.Iterations);
        w.WriteNumber("tokens_used", v.TokensUsed);
        w.WriteNumber("cost_usd", v.CostUsd);
        JsonText.WritePayload(w, "result", v.Result);
        if (v.Reason is not null)
        {
            w.WriteString("reason", v.Reason);
        }

        WriteAwaiting(w, v.Awaiting);
        w.WriteEndObject();
    }

    public static void WriteAwaiting(Utf8JsonWriter w, IReadOnlyList<AwaitedExecution> awaiting)
    {
        w.WriteStartArray("awaiting");
        foreach (var a in awaiting)
        {
            w.WriteStartObject();
            w.WriteString("execution_id", a.ExecutionId);
            w.WriteString("node", a.NodeName);
            w.WriteString("status", a.Phase.ToWireName());
            w.WriteNumber("attempt", a.Attempt);
            if (a.Prompt is not null)
            {
                JsonText.WritePayload(w, "prompt", a.Prompt);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static void Print(CliIo io, LifetimeView v)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("field").AddColumn("value");
        table.AddRow("lifetime", v.LifetimeId);
        table.AddRow("status", Markup.Escape(v.Phase.ToWireName()));
        if (v.Reason is not null)
        {
            table.AddRow("reason", Markup.Escape(v.Reason));
        }

        table.AddRow("graph", Markup.Escape($"{v.GraphName} {v.GraphVersion}"));
        table.AddRow("executions", v.Executions.ToString(CultureInfo.InvariantCulture));
        table.AddRow("records", v.LastSequence.ToString(CultureInfo.InvariantCulture));
        if (v.Result is not null)
        {
            table.AddRow("result", Markup.Escape(JsonText.Shorten(v.Result.ToJsonString(), 400)));
        }

        io.Console.Write(table);
        PrintAwaiting(io, v.Awaiting);
    }

    public static void PrintAwaiting(CliIo io, IReadOnlyList<AwaitedExecution> awaiting)
    {
        foreach (var a in awaiting)
        {
            var prompt = a.Prompt is null ? string.Empty : "  " + JsonText.Shorten(a.Prompt.ToJsonString(), 200);
            io.Console.MarkupLine(Markup.Escape($"  {a.Phase.ToWireName(),-8} {a.ExecutionId} {a.NodeName} (attempt {a.Attempt}){prompt}"));
        }
    }
}
