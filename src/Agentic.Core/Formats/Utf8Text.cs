using System.Text;
using Agentic.Core.Graphs;

namespace Agentic.Core.Formats;

/// <summary>
/// Decodes document bytes as strict UTF-8. A lenient decoder turns bad bytes into U+FFFD, so a Latin-1 file would be
/// read as a different, "valid" graph; instead the first bad byte is reported with its line and column.
/// </summary>
public static class Utf8Text
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text, without a leading byte order mark; or null and the position and value of the first byte that is not UTF-8.</summary>
    public static string? TryDecode(ReadOnlySpan<byte> bytes, string file, out SourceLocation? badAt, out byte badByte)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        try
        {
            badAt = null;
            badByte = 0;
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            var index = Math.Clamp(ex.Index, 0, Math.Max(0, bytes.Length - 1));
            var valid = bytes[..index];
            var line = 1 + valid.Count((byte)'\n');
            var lineStart = valid.LastIndexOf((byte)'\n') + 1;
            badAt = new SourceLocation(file, line, Strict.GetCharCount(valid[lineStart..]) + 1);
            badByte = bytes.Length > 0 ? bytes[index] : (byte)0;
            return null;
        }
    }
}
