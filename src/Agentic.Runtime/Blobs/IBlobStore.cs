using Agentic.Core.Blobs;

namespace Agentic.Runtime.Blobs;

/// <summary>
/// Content-addressed storage of payloads too large to journal inline (adapter SPI: local folder, S3-compatible).
/// <see cref="PutAsync"/> returns only once the content is durable, because the record that refers to it is
/// journaled next; storing the same content twice stores it once.
/// </summary>
public interface IBlobStore : IBlobReader
{
    ValueTask<BlobReference> PutAsync(ReadOnlyMemory<byte> content, string mediaType, CancellationToken cancellationToken);
}
