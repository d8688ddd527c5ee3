using System.Globalization;
using System.Text.RegularExpressions;
using Agentic.Core.Validation;

namespace Agentic.Core.Formats;

/// <summary>Durations as written in graph files: <c>250ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c>, or a bare number of milliseconds; bounded so that none overflows.</summary>
public static partial class DurationText
{
    /// <summary>Parses a duration of at most <see cref="InputLimits.MaxDuration"/>; longer ones (which would overflow) are refused.</summary>
    public static bool TryParse(string text, out TimeSpan value) => TryParse(text, InputLimits.MaxDuration, out value);

    /// <summary>Parses a duration of at most <paramref name="max"/> (timers: <see cref="InputLimits.MaxTimerDuration"/>).</summary>
    public static bool TryParse(string text, TimeSpan max, out TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = default;
        var m = Pattern().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
        {
            return false;
        }

        var unitMs = m.Groups[2].Value switch
        {
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => 1.0,
        };
        var ms = n * unitMs;
        if (!double.IsFinite(ms) || ms > max.TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(ms);
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
