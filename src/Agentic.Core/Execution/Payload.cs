using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Agentic.Core.Execution;

/// <summary>
/// An immutable result or input: UTF-8 bytes with a media type, JSON by default. The JSON tree is parsed once,
/// on first use, so payloads that are only passed along are never parsed.
/// </summary>
public sealed class Payload
{
    public const string JsonMediaType = "application/json";

    private JsonDocument? _document;

    private Payload(ReadOnlyMemory<byte> utf8, string mediaType)
    {
        Bytes = utf8;
        MediaType = mediaType;
    }

    public static Payload EmptyObject { get; } = new("{}"u8.ToArray(), JsonMediaType);

    public ReadOnlyMemory<byte> Bytes { get; }

    public string MediaType { get; }

    public bool IsJson => MediaType == JsonMediaType;

    /// <summary>The parsed JSON root; <c>undefined</c> for non-JSON payloads.</summary>
    public JsonElement Json
    {
        get
        {
            if (!IsJson)
            {
                return default;
            }

            var doc = _document;
            if (doc is null)
            {
                doc = JsonDocument.Parse(Bytes);
                // Racing parses are harmless: both documents hold the same immutable data.
                doc = Interlocked.CompareExchange(ref _document, doc, null) ?? doc;
            }

            return doc.RootElement;
        }
    }

    /// <summary>Wraps UTF-8 JSON bytes; they are validated so that a bad payload fails where it is produced.</summary>
    public static Payload FromJsonUtf8(ReadOnlyMemory<byte> utf8)
    {
        var p = new Payload(utf8, JsonMediaType);
        _ = p.Json;
        return p;
    }

    public static Payload FromJson(string json) => FromJsonUtf8(Encoding.UTF8.GetBytes(json));

    public static Payload FromJsonNode(JsonNode? node) => FromJsonUtf8(JsonSerializer.SerializeToUtf8Bytes(node));

    public static Payload FromElement(JsonElement element) => FromJsonUtf8(JsonSerializer.SerializeToUtf8Bytes(element));

    public static Payload FromObject<T>(T value) => FromJsonUtf8(JsonSerializer.SerializeToUtf8Bytes(value));

    /// <summary>Non-JSON content (text, images…), journaled as bytes with its media type.</summary>
    public static Payload FromBytes(ReadOnlyMemory<byte> bytes, string mediaType) =>
        mediaType == JsonMediaType ? FromJsonUtf8(bytes) : new Payload(bytes, mediaType);

    /// <summary>Trusted bytes already known to be valid (read back from the journal).</summary>
    public static Payload FromTrusted(ReadOnlyMemory<byte> bytes, string mediaType) => new(bytes, string.IsNullOrEmpty(mediaType) ? JsonMediaType : mediaType);

    /// <summary>A mutable copy of the JSON, for tasks that build their result from their input.</summary>
    public JsonNode? ToJsonNode() => IsJson ? JsonNode.Parse(Bytes.Span) : null;

    public string ToJsonString() => IsJson ? Encoding.UTF8.GetString(Bytes.Span) : JsonSerializer.Serialize(Convert.ToBase64String(Bytes.Span));

    public override string ToString() => ToJsonString();
}
