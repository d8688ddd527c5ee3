namespace Agentic.Core.Blobs;

/// <summary>
/// Reads the content of a <see cref="BlobReference"/>. Implementations verify size and SHA-256 and throw
/// <see cref="BlobUnavailableException"/> for a missing or corrupted blob: content is never silently replaced.
/// </summary>
public interface IBlobReader
{
    ReadOnlyMemory<byte> Read(BlobReference blob);
}
