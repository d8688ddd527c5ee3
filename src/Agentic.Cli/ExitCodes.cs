namespace Agentic.Cli;

/// <summary>Process exit codes of the agentic command.</summary>
public static class ExitCodes
{
    public const int Completed = 0;
    public const int FailedOrAborted = 1;
    public const int InvalidInput = 2;
}
