using System.Text.Json;
using Agentic.Core.Execution;

namespace Agentic.Cli;

/// <summary>Small helpers for the CLI's JSON output (relaxed escaping: it is read by people and tools, never embedded in HTML).</summary>
internal static class JsonText
{
    public static void WritePayload(Utf8JsonWriter w, string name, Payload? payload) => Runtime.Journal.JournalJson.WritePayload(w, name, payload);

    public static string Write(Action<Utf8JsonWriter> body, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            body(w);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    public static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
