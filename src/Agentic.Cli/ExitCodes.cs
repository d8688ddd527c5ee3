namespace Agentic.Cli;

/// <summary>
/// Process exit codes of the agentic command, one table for every command (README "Exit codes"). Commands that run a
/// lifetime on (run, resume, input, fork) exit with its settled phase; the others exit 0 when they did what was asked.
/// </summary>
public static class ExitCodes
{
    /// <summary>The lifetime completed, or the command did what was asked.</summary>
    public const int Completed = 0;

    /// <summary>The lifetime failed or was aborted.</summary>
    public const int FailedOrAborted = 1;

    /// <summary>Invalid input: a graph, policy, price table or input that is refused, an unknown lifetime or execution, a refused operation.</summary>
    public const int InvalidInput = 2;

    /// <summary>The lifetime is parked: waiting for input, paused, or still running when the command stopped following it.</summary>
    public const int Parked = 3;

    /// <summary>The journal cannot be used: not a journal, damaged, read-only, locked, or a write failed (disk full).</summary>
    public const int JournalUnusable = 4;

    /// <summary>The command line itself is wrong: unknown command or option, missing or extra argument (sysexits EX_USAGE).</summary>
    public const int UsageError = 64;

    /// <summary>A bug: an error the CLI did not expect (sysexits EX_SOFTWARE). Set AGENTIC_DEBUG=1 to see its stack trace.</summary>
    public const int InternalError = 70;
}
