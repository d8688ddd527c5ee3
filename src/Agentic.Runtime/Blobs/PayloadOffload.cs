using Agentic.Core.Execution;

namespace Agentic.Runtime.Blobs;

/// <summary>
/// Moves payloads over the inline limit to the blob store before their record is journaled, so the record carries
/// the reference (uri, size, media type, sha256). Without a blob store, payloads are journaled inline whatever their size.
/// </summary>
internal sealed class PayloadOffload(IBlobStore? store, long inlineLimit)
{
    public IBlobStore? Store { get; } = store;

    public bool Applies(Payload payload) => Store is not null && payload.Blob is null && payload.Length > inlineLimit;

    public async ValueTask<Payload> OffloadAsync(Payload payload, CancellationToken cancellationToken)
    {
        if (!Applies(payload))
        {
            return payload;
        }

        var blob = await Store!.PutAsync(payload.Bytes, payload.MediaType, cancellationToken).ConfigureAwait(false);
        return payload.WithBlob(blob);
    }
}
