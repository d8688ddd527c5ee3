namespace Agentic.Core.Execution;

/// <summary>
/// The form of lifetime ids: a version-7 UUID (48-bit millisecond timestamp, then random bits) written as 26 characters
/// of lowercase Crockford base32 (whoever starts a lifetime draws the UUID, e.g. <c>IGrainFactory.StartLifetimeAsync</c>). Ids sort by creation time like the UUID, and are 6 characters shorter than its hex
/// form: every execution id ("lifetime.ordinal") and every journal record carries one, and the in-memory journal
/// keeps them all.
/// </summary>
public static class LifetimeIds
{
    /// <summary>Length of an id made by <see cref="Format"/>.</summary>
    public const int Length = 26;

    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    /// <summary>The 128 bits of <paramref name="uuid"/>, most significant first, in 26 base32 digits (the first holds 3 bits).</summary>
    public static string Format(Guid uuid)
    {
        Span<byte> bytes = stackalloc byte[16];
        uuid.TryWriteBytes(bytes, bigEndian: true, out _);
        var high = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
        var low = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        return string.Create(Length, (high, low), static (span, bits) =>
        {
            var (hi, lo) = bits;
            // Least significant digit first: 25 full 5-bit digits, then the 3 bits left for the first character.
            for (var i = Length - 1; i >= 0; i--)
            {
                span[i] = Alphabet[(int)(lo & 31)];
                lo = (lo >> 5) | (hi << 59);
                hi >>= 5;
            }
        });
    }
}
