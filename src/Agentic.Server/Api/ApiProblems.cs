using Agentic.Core.Guardrails;
using Agentic.Core.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Agentic.Server.Api;

/// <summary>
/// Every refusal as an RFC 7807 problem document naming what is wrong: the grains' readable exceptions map to 400
/// (bad input), 404 (not found, or another tenant's), 409 (exists, immutable version, or a transition refused), 413
/// (too large), 503 with Retry-After (the cluster changed under the call: a silo died or left); anything else is a 500
/// that does not leak the exception.
/// </summary>
internal sealed class ApiProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => (StatusCodes.Status413PayloadTooLarge, "Request too large"),
            BadHttpRequestException => (StatusCodes.Status400BadRequest, "Bad request"),
            ResultTooLargeException => (StatusCodes.Status413PayloadTooLarge, "Result too large"),
            GraphValidationException or PolicyValidationException or ArgumentException or FormatException or System.Text.Json.JsonException => (StatusCodes.Status400BadRequest, "Invalid request"),
            KeyNotFoundException => (StatusCodes.Status404NotFound, "Not found"),
            InvalidOperationException when !Transient(exception) => (StatusCodes.Status409Conflict, "Conflict"),
            _ when Transient(exception) => (StatusCodes.Status503ServiceUnavailable, "Cluster unavailable"),
            _ => (StatusCodes.Status500InternalServerError, "Internal error"),
        };
        var detail = status switch
        {
            StatusCodes.Status500InternalServerError => "the server failed to answer this request; it is logged",
            StatusCodes.Status503ServiceUnavailable => "the cluster is changing (a silo left or is starting): retry the request",
            _ => Detail(exception),
        };
        httpContext.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = "1";
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        });
    }

    /// <summary>A grain call that failed because the cluster changed under it (a silo died or left, a call timed out): worth a retry.</summary>
    private static bool Transient(Exception exception) =>
        exception is TimeoutException or global::Orleans.Runtime.SiloUnavailableException or global::Orleans.Runtime.OrleansMessageRejectionException
        || (exception.GetType().Namespace?.StartsWith("Orleans", StringComparison.Ordinal) == true && exception is not ArgumentException);

    private static string Detail(Exception exception) => exception switch
    {
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => exception.Message + " (Agentic:Server:MaxRequestBytes)",
        GraphValidationException g => g.Message,
        _ => exception.Message.Split(" (Parameter '", 2)[0],
    };
}
