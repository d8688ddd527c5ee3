using Agentic.Core.Validation;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary>Turns the errors every command can meet into messages and exit code 2.</summary>
internal static class CommandErrors
{
    /// <summary>
    /// Runs a command and turns every error into one line and its exit code (<see cref="ExitCodes"/>): people read a
    /// reason, never a stack trace (AGENTIC_DEBUG=1 adds it for a bug report).
    /// </summary>
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
        catch (KeyNotFoundException ex)
        {
            return io.Fail(ExitCodes.InvalidInput, ex.Message);
        }
        catch (Exception ex) when (ex is Core.Execution.LifetimeControlException or Runtime.Hosting.GraphVersionConflictException or ArgumentOutOfRangeException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or Core.Expressions.ExpressionException or Runtime.Lifetimes.LifetimeSettingsException or Runtime.Lifetimes.LifetimeActivationException)
        {
            // Refused operations: nothing was recorded; the message names what is wrong (and the lifetime's phase).
            var message = ex is ArgumentOutOfRangeException range ? range.Message.Split(" (Parameter", 2)[0] : ex.Message;
            return io.Fail(ExitCodes.InvalidInput, message);
        }
        catch (Runtime.Journal.JournalAppendException ex) when (ex.IsSequenceConflict)
        {
            // Two commands on one lifetime at once (two people answering one prompt): the other one was recorded first.
            return io.Fail(ExitCodes.InvalidInput, "another command changed this lifetime at the same moment and was recorded first; nothing of this one was recorded (agentic show tells what the lifetime is doing now)");
        }
        catch (Exception ex) when (ex is Runtime.Journal.JournalOpenException or Runtime.Journal.JournalAppendException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException or IOException)
        {
            return io.Fail(ExitCodes.JournalUnusable, ex is Microsoft.Data.Sqlite.SqliteException sqlite ? $"the journal database failed: {sqlite.Message}" : ex.Message);
        }
        catch (Agentic.Client.AgenticApiException ex)
        {
            // The server's refusal, in its words: a request the server refuses is the user's to fix.
            return io.Fail(ex.Status is System.Net.HttpStatusCode.InternalServerError or System.Net.HttpStatusCode.ServiceUnavailable ? ExitCodes.InternalError : ExitCodes.InvalidInput, "server: " + ex.Message);
        }
        catch (HttpRequestException ex)
        {
            return io.Fail(ExitCodes.InvalidInput, $"server unreachable: {ex.Message}");
        }
        catch (OperationCanceledException)
        {
            return io.Fail(ExitCodes.Parked, "interrupted: what was recorded stays in the journal; agentic resume continues it");
        }
        catch (Exception ex)
        {
            var debug = Environment.GetEnvironmentVariable("AGENTIC_DEBUG") is "1" or "true";
            io.Fail(ExitCodes.InternalError, $"unexpected {ex.GetType().Name}: {ex.Message} (a bug: please report it; AGENTIC_DEBUG=1 shows the stack trace)");
            if (debug)
            {
                io.Error.WriteLine(ex.ToString());
            }

            return ExitCodes.InternalError;
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
