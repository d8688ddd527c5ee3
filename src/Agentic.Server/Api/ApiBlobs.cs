using System.Text.Json;
using Agentic.Core.Blobs;

namespace Agentic.Server.Api;

/// <summary>
/// A payload kept in the blob store, as the API shows it: where to fetch it (its lifetime's blob endpoint), its SHA-256,
/// size and media type. Never the store's own location.
/// </summary>
internal static class ApiBlobs
{
    public static string Href(string lifetimeId, string sha256) => $"/v1/lifetimes/{Uri.EscapeDataString(lifetimeId)}/blobs/{sha256}";

    public static JsonElement Reference(string lifetimeId, string sha256, long sizeBytes, string mediaType) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["blob"] = Href(lifetimeId, sha256), ["sha256"] = sha256, ["size_bytes"] = sizeBytes, ["media_type"] = mediaType });

    /// <summary>Writes <paramref name="blob"/> as <see cref="Reference"/> does (for journal pages).</summary>
    public static Action<Utf8JsonWriter, BlobReference> Writer(string lifetimeId) => (w, blob) =>
    {
        w.WriteStartObject();
        w.WriteString("blob", Href(lifetimeId, blob.Sha256));
        w.WriteString("sha256", blob.Sha256);
        w.WriteNumber("size_bytes", blob.SizeBytes);
        w.WriteString("media_type", blob.MediaType);
        w.WriteEndObject();
    };
}
