using System.Globalization;
using System.Text;
using Agentic.Runtime.Journal;

namespace Agentic.Server.Api;

/// <summary>The lifetime listing's page cursor as an opaque string (base64url of the last lifetime's start and id).</summary>
internal static class ListCursor
{
    public static string Encode(LifetimeCursor cursor) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(cursor.StartedAt.UtcTicks.ToString(CultureInfo.InvariantCulture) + "|" + cursor.LifetimeId))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static LifetimeCursor Decode(string text)
    {
        try
        {
            var base64 = text.Replace('-', '+').Replace('_', '/');
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=')));
            var bar = decoded.IndexOf('|', StringComparison.Ordinal);
            return new LifetimeCursor(new DateTimeOffset(long.Parse(decoded[..bar], NumberStyles.None, CultureInfo.InvariantCulture), TimeSpan.Zero), decoded[(bar + 1)..]);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            throw new ArgumentException($"cursor '{text}' is not one this server gave out (use the 'next' of the previous page)");
        }
    }
}
