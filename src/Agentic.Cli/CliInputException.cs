namespace Agentic.Cli;

/// <summary>Bad command-line input (a file that does not exist, input that is not JSON): exit code 2 with the message.</summary>
public sealed class CliInputException : Exception
{
    public CliInputException()
    {
    }

    public CliInputException(string message)
        : base(message)
    {
    }

    public CliInputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
