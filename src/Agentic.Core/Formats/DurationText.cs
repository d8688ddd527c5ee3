using System.Globalization;
using System.Text.RegularExpressions;

namespace Agentic.Core.Formats;

/// <summary>Durations as written in graph files: <c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>, or a bare number of milliseconds.</summary>
public static partial class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        var m = Pattern().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        value = m.Groups[2].Value switch
        {
            "" or "ms" => TimeSpan.FromMilliseconds(n),
            "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            "d" => TimeSpan.FromDays(n),
            _ => default,
        };
        return true;
    }

    public static string Format(TimeSpan value) =>
        value.TotalMilliseconds % 1000 != 0 ? $"{value.TotalMilliseconds:0.###}ms"
        : value.TotalSeconds % 60 != 0 ? $"{value.TotalSeconds:0}s"
        : value.TotalMinutes % 60 != 0 ? $"{value.TotalMinutes:0}m"
        : $"{value.TotalHours:0}h";

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$")]
    private static partial Regex Pattern();
}
