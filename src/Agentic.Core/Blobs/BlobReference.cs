namespace Agentic.Core.Blobs;

/// <summary>
/// Where a large payload lives instead of the journal record: the blob store's <paramref name="Uri"/>, its size,
/// media type, and lower-case hex SHA-256 of the content (the store is content-addressed by it).
/// </summary>
public sealed record BlobReference(string Uri, long SizeBytes, string MediaType, string Sha256)
{
    public override string ToString() => $"{Uri} ({SizeBytes} bytes, {MediaType}, sha256 {Sha256})";
}
