using System.Text.Json;
using Agentic.Core.Execution;

namespace Agentic.Cli;

/// <summary>Parses <c>--input</c>: inline JSON, or <c>@file</c> holding JSON.</summary>
internal static class InputText
{
    public static Payload Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Payload.EmptyObject;
        }

        var source = "--input";
        if (text.StartsWith('@'))
        {
            var file = text[1..];
            if (!File.Exists(file))
            {
                throw new CliInputException($"--input file '{file}' does not exist");
            }

            source = file;
            text = File.ReadAllText(file);
        }

        Payload payload;
        try
        {
            payload = Payload.FromJson(text);
        }
        catch (JsonException ex)
        {
            throw new CliInputException($"{source} is not valid JSON: {ex.Message}", ex);
        }

        if (FirstUnreadableString(payload.Json, "$") is { } path)
        {
            throw new CliInputException($"{source} is not valid JSON text: the string at {path} escapes half of a UTF-16 surrogate pair (\\uD800-\\uDFFF without its partner)");
        }

        return payload;
    }

    /// <summary>JSON's grammar allows \uD800 alone; no string type can hold it, so it is refused at the door.</summary>
    private static string? FirstUnreadableString(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return Readable(() => element.GetString()) ? null : path;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstUnreadableString(item, $"{path}[{i++}]") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Readable(() => property.Name))
                    {
                        return $"{path} (a property name)";
                    }

                    if (FirstUnreadableString(property.Value, $"{path}.{property.Name}") is { } bad)
                    {
                        return bad;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static bool Readable(Func<string?> read)
    {
        try
        {
            _ = read();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
