using System.Text.Json;
using Agentic.Core.Execution;

namespace Agentic.Cli;

/// <summary>Small helpers for the CLI's JSON output (relaxed escaping: it is read by people and tools, never embedded in HTML).</summary>
internal static class JsonText
{
    public static void WritePayload(Utf8JsonWriter w, string name, Payload? payload)
    {
        w.WritePropertyName(name);
        if (payload is null)
        {
            w.WriteNullValue();
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
