using Agentic.Core.Guardrails;
using Agentic.Core.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Agentic.Server.Api;

/// <summary>
/// Every refusal as an RFC 7807 problem document naming what is wrong: the grains' readable exceptions map to 400
/// (bad input), 404 (not found, or another tenant's), 409 (exists, immutable version, or a transition refused), 413
/// (too large); anything else is a 500 that does not leak the exception.
/// </summary>
internal sealed class ApiProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "Request too large"),
            BadHttpRequestException => (StatusCodes.Status400BadRequest, "Bad request"),
            GraphValidationException or PolicyValidationException or ArgumentException or FormatException or System.Text.Json.JsonException => (StatusCodes.Status400BadRequest, "Invalid request"),
            KeyNotFoundException => (StatusCodes.Status404NotFound, "Not found"),
            InvalidOperationException => (StatusCodes.Status409Conflict, "Conflict"),
            _ => (StatusCodes.Status500InternalServerError, "Internal error"),
        };
        var detail = status == StatusCodes.Status500InternalServerError ? "the server failed to answer this request; it is logged" : Detail(exception);
        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    private static string Detail(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => exception.Message + " (Agentic:Server:MaxRequestBytes)",
        GraphValidationException g => g.Message,
        _ => exception.Message.Split(" (Parameter '", 2)[0],
    };
}
