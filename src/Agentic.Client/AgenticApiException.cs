using System.Net;

namespace Agentic.Client;

/// <summary>The server refused a request: its HTTP status and the problem document's title and detail.</summary>
public sealed class AgenticApiException : Exception
{
    public AgenticApiException()
    {
    }

    public AgenticApiException(string message)
        : base(message)
    {
    }

    public AgenticApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public AgenticApiException(HttpStatusCode status, string? title, string? detail)
        : base($"{(int)status} {title ?? status.ToString()}: {detail ?? "(no detail)"}")
    {
        Status = status;
        Title = title;
        Detail = detail;
    }

    public HttpStatusCode Status { get; }

    public string? Title { get; }

    public string? Detail { get; }
}
