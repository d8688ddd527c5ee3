using Agentic.Core.Execution;
using Agentic.Runtime.Lifetimes;

namespace Agentic.Cli;

/// <summary>Prints a settled lifetime and turns its phase into the exit code (<see cref="ExitCodes"/>).</summary>
internal static class LifetimeOutput
{
    public static int Print(CliIo io, LifetimeView view, bool json)
    {
        if (json)
        {
            io.Output.WriteLine(LifetimeText.ToJson(view));
        }
        else
        {
            LifetimeText.Print(io, view);
        }

        return CodeOf(view.Phase);
    }

    /// <summary>Completed 0, failed or aborted 1, anything not ended (waiting, paused, running) 3.</summary>
    public static int CodeOf(ExecutionPhase phase) => phase switch
    {
        ExecutionPhase.Completed => ExitCodes.Completed,
        ExecutionPhase.Failed or ExecutionPhase.Aborted or ExecutionPhase.Cancelled => ExitCodes.FailedOrAborted,
        _ => ExitCodes.Parked,
    };
}
