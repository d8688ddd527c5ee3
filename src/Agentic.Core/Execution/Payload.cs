using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agentic.Core.Blobs;

namespace Agentic.Core.Execution;

/// <summary>
/// An immutable result or input: UTF-8 bytes with a media type, JSON by default. The JSON tree is parsed once,
/// on first use, so payloads that are only passed along are never parsed. A large payload may live in the blob
/// store (<see cref="Blob"/>): the journal then records only the reference, and the bytes are read on first use.
/// </summary>
public sealed class Payload
{
    public const string JsonMediaType = "application/json";

    private readonly ReadOnlyMemory<byte> _bytes;

    // Only for payloads read back as a blob reference. PublicationOnly: a failed read is not cached, so a blob restored
    // after an error is read on the next use.
    private readonly Lazy<ReadOnlyMemory<byte>>? _blobBytes;
    private JsonDocument? _document;

    private Payload(ReadOnlyMemory<byte> utf8, string mediaType, BlobReference? blob = null)
    {
        _bytes = utf8;
        MediaType = mediaType;
        Blob = blob;
    }

    private Payload(BlobReference blob, IBlobReader? reader)
    {
        MediaType = string.IsNullOrEmpty(blob.MediaType) ? JsonMediaType : blob.MediaType;
        Blob = blob;
        _blobBytes = new Lazy<ReadOnlyMemory<byte>>(
            () => reader is null ? throw new BlobUnavailableException(blob, "cannot be read: no blob store is configured") : reader.Read(blob),
            LazyThreadSafetyMode.PublicationOnly);
    }

    public static Payload EmptyObject { get; } = new("{}"u8.ToArray(), JsonMediaType);

    /// <summary>The content. For a payload read back as a blob reference, the first use reads (and verifies) the blob.</summary>
    public ReadOnlyMemory<byte> Bytes => _blobBytes is null ? _bytes : _blobBytes.Value;

    /// <summary>Size in bytes, known without reading a blob.</summary>
    public long Length => Blob?.SizeBytes ?? _bytes.Length;

    public string MediaType { get; }

    /// <summary>Set when the content is stored in the blob store; the journal then carries this reference, not the bytes.</summary>
    public BlobReference? Blob { get; }

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

    /// <summary>A payload journaled as a reference to a blob whose content is read through <paramref name="reader"/> on first use.</summary>
    public static Payload FromBlob(BlobReference blob, IBlobReader? reader)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return new Payload(blob, reader);
    }

    /// <summary>The same content, now also stored as <paramref name="blob"/>: journaled by reference from here on.</summary>
    public Payload WithBlob(BlobReference blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return new Payload(Bytes, MediaType, blob) { _document = _document };
    }

    /// <summary>A mutable copy of the JSON, for tasks that build their result from their input.</summary>
    public JsonNode? ToJsonNode() => IsJson ? JsonNode.Parse(Bytes.Span) : null;

    public string ToJsonString() => IsJson ? Encoding.UTF8.GetString(Bytes.Span) : JsonSerializer.Serialize(Convert.ToBase64String(Bytes.Span));

    public override string ToString() => ToJsonString();
}
