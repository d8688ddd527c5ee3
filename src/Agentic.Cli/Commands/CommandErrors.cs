using Agentic.Core.Validation;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary>Turns the errors every command can meet into messages and exit code 2.</summary>
internal static class CommandErrors
{
    public static async Task<int> Guard(CliIo io, Func<Task<int>> body)
    {
        try
        {
            return await body().ConfigureAwait(false);
        }
        catch (GraphValidationException ex)
        {
            PrintDiagnostics(io, ex.Diagnostics);
            return ExitCodes.InvalidInput;
        }
        catch (Core.Guardrails.PolicyValidationException ex)
        {
            PrintDiagnostics(io, ex.Diagnostics);
            return ExitCodes.InvalidInput;
        }
        catch (CliInputException ex)
        {
            return io.Fail(ExitCodes.InvalidInput, ex.Message);
        }
        catch (Exception ex) when (ex is Core.Execution.LifetimeControlException or KeyNotFoundException or Runtime.Hosting.GraphVersionConflictException or ArgumentOutOfRangeException or FileNotFoundException or InvalidDataException)
        {
            // Refused operations: nothing was recorded; the message names what is wrong (and the lifetime's phase).
            var message = ex is ArgumentOutOfRangeException range ? range.Message.Split(" (Parameter", 2)[0] : ex.Message;
            return io.Fail(ExitCodes.InvalidInput, message);
        }
    }

    public static void PrintDiagnostics(CliIo io, IEnumerable<GraphDiagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            var color = d.IsError ? "red" : "yellow";
            var where = d.Location is null ? string.Empty : Markup.Escape(d.Location.ToString()) + ": ";
            io.ErrorConsole.MarkupLine($"{where}[{color}]{(d.IsError ? "error" : "warning")} {d.Code}[/]: {Markup.Escape(d.Message)}");
        }
    }
}
