namespace Agentic.Core.Blobs;

/// <summary>A blob a record refers to cannot be read as recorded: missing, corrupted, or no blob store is configured.</summary>
public sealed class BlobUnavailableException : Exception
{
    public BlobUnavailableException(BlobReference blob, string reason)
        : base($"blob {blob.Uri} (expected sha256 {blob.Sha256}, {blob.SizeBytes} bytes) {reason}")
    {
        Blob = blob;
    }

    public BlobUnavailableException(BlobReference blob, string reason, Exception innerException)
        : base($"blob {blob.Uri} (expected sha256 {blob.Sha256}, {blob.SizeBytes} bytes) {reason}", innerException)
    {
        Blob = blob;
    }

    public BlobUnavailableException()
    {
    }

    public BlobUnavailableException(string message)
        : base(message)
    {
    }

    public BlobUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BlobReference? Blob { get; }
}
