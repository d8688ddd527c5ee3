namespace Agentic.Orleans;

/// <summary>
/// A payload on the wire: its bytes (UTF-8 JSON for application/json) and media type; or, for one already in the
/// cluster's blob store, only its <see cref="Blob"/> reference (no bytes), which the silo reads when a node needs it.
/// </summary>
[GenerateSerializer, Immutable, Alias("agentic.PayloadData")]
public sealed record PayloadData([property: Id(0)] string MediaType, [property: Id(1)] byte[] Bytes, [property: Id(2)] BlobReferenceData? Blob = null)
{
    public const string Json = "application/json";

    /// <summary>A payload stored in the blob store, passed by reference.</summary>
    public static PayloadData FromBlob(BlobReferenceData blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        return new(blob.MediaType, [], blob);
    }

    public static PayloadData FromJson(string json) => new(Json, System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>The JSON text (for application/json payloads).</summary>
    public string JsonText => System.Text.Encoding.UTF8.GetString(Bytes);
}
