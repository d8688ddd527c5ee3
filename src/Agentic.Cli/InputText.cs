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

        try
        {
            return Payload.FromJson(text);
        }
        catch (JsonException ex)
        {
            throw new CliInputException($"{source} is not valid JSON: {ex.Message}", ex);
        }
    }
}
