using Agentic.Core.Execution;
using Agentic.Runtime.Lifetimes;

namespace Agentic.Cli;

/// <summary>Prints a settled lifetime and turns its phase into the exit code (0 unless it failed or was aborted).</summary>
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

        return view.Phase is ExecutionPhase.Failed or ExecutionPhase.Aborted or ExecutionPhase.Cancelled ? ExitCodes.FailedOrAborted : ExitCodes.Completed;
    }
}
