using System.Text.Json;

namespace Agentic.Runtime.Nodes.BuiltIn;

/// <summary>Typed reads of built-in node configuration with messages that name the field.</summary>
internal static class ConfigReader
{
    public static int Int(JsonElement config, string field, int fallback, int min = int.MinValue)
    {
        if (!config.TryGetProperty(field, out var v))
        {
            return fallback;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < min)
        {
            throw new InvalidOperationException($"config.{field} must be a whole number{(min > int.MinValue ? $" of at least {min}" : "")}, got {v.GetRawText()}");
        }

        return n;
    }

    public static string? Str(JsonElement config, string field)
    {
        if (!config.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new InvalidOperationException($"config.{field} must be a text, got {v.GetRawText()}");
    }

    public static IEnumerable<string> Problems(Action check)
    {
        try
        {
            check();
            return [];
        }
        catch (InvalidOperationException ex)
        {
            return [ex.Message];
        }
    }
}
