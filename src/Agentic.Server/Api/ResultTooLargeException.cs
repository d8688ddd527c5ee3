namespace Agentic.Server.Api;

/// <summary>A response that would be larger than <see cref="ApiOptions.MaxResultBytes"/>: answered 413 naming the size and the limit.</summary>
public sealed class ResultTooLargeException : Exception
{
    public ResultTooLargeException()
    {
    }

    public ResultTooLargeException(string message)
        : base(message)
    {
    }

    public ResultTooLargeException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ResultTooLargeException(string what, long bytes, long limit)
        : base($"{what} is {bytes:N0} bytes; the largest answer is {limit:N0} bytes (Agentic:Server:MaxResultBytes)")
    {
    }
}
