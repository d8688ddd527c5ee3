using System.Security.Cryptography;
using Agentic.Core.Blobs;
using Agentic.Runtime.Blobs;

namespace Agentic.Storage.Blobs;

/// <summary>
/// Blobs as files under one folder, named by the SHA-256 of their content (<c>sha256/ab/abcdef…</c>), so equal content
/// is stored once and a file whose content no longer matches its name is detected on read. A blob is written to a
/// temporary file, flushed to disk, then renamed into place: a reader never sees half a blob.
/// </summary>
public sealed class LocalBlobStore : IBlobStore
{
    /// <summary>URI prefix of this store's blobs; the rest is the content hash, so references survive moving the folder.</summary>
    public const string UriPrefix = "blob://local/sha256/";

    public LocalBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public async ValueTask<BlobReference> PutAsync(ReadOnlyMemory<byte> content, string mediaType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mediaType);
        var hash = Convert.ToHexStringLower(SHA256.HashData(content.Span));
        var blob = new BlobReference(UriPrefix + hash, content.Length, mediaType, hash);
        var path = PathOf(hash);
        if (File.Exists(path) && new FileInfo(path).Length == content.Length)
        {
            return blob;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.partial";
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            await using (file.ConfigureAwait(false))
            {
                await file.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        return blob;
    }

    public ReadOnlyMemory<byte> Read(BlobReference blob)
    {
        ArgumentNullException.ThrowIfNull(blob);
        if (!blob.Uri.StartsWith(UriPrefix, StringComparison.Ordinal) || blob.Uri.Length != UriPrefix.Length + 64 || !IsHex(blob.Uri.AsSpan(UriPrefix.Length)))
        {
            throw new BlobUnavailableException(blob, $"cannot be read: it is not a blob of the local store in {Root} (its URIs look like {UriPrefix}<sha256>)");
        }

        var path = PathOf(blob.Uri[UriPrefix.Length..]);
        byte[] content;
        try
        {
            content = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlobUnavailableException(blob, $"is missing: {path} does not exist", ex);
        }
        catch (IOException ex)
        {
            throw new BlobUnavailableException(blob, $"cannot be read from {path}: {ex.Message}", ex);
        }

        var actual = Convert.ToHexStringLower(SHA256.HashData(content));
        if (!string.Equals(actual, blob.Sha256, StringComparison.OrdinalIgnoreCase) || content.Length != blob.SizeBytes)
        {
            throw new BlobUnavailableException(blob, $"is corrupted: {path} holds {content.Length} bytes with sha256 {actual}");
        }

        return content;
    }

    private string PathOf(string hash) => Path.Combine(Root, "sha256", hash[..2], hash);

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
