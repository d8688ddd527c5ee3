using System.Diagnostics;

namespace Agentic.Bench;

/// <summary>Starts this benchmark again as a child process: for the recovery workload, and to run under full JIT.</summary>
internal static class BenchProcess
{
    /// <summary>The runtime's switch for precompiled (ReadyToRun) code; it is read only from the environment.</summary>
    public const string ReadyToRunVariable = "DOTNET_ReadyToRun";

    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("cannot locate the benchmark executable to start a child");
        var start = new ProcessStartInfo(self) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(BenchProcess).Assembly.Location);
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }

    /// <summary>
    /// Runs the benchmark again with the framework's precompiled code turned off, unless the environment already
    /// says how to treat it. The framework ships ReadyToRun code, compiled ahead of time and less optimized (shared
    /// generics look up their type arguments at run time, calls across assemblies go through indirections); with
    /// tiered compilation off (see the csproj) it would never be replaced. Without it every method the runs use is
    /// JIT-compiled fully optimized, which is where a tiered, long-running host ends up for its hot code. Returns the
    /// child's exit code, or null when this process is the one to measure.
    /// </summary>
    public static async Task<int?> RelaunchUnderFullJitAsync(string[] args)
    {
        if (Environment.GetEnvironmentVariable(ReadyToRunVariable) is not null)
        {
            return null;
        }

        var start = StartInfo(args);
        start.Environment[ReadyToRunVariable] = "0";
        using var child = Process.Start(start) ?? throw new InvalidOperationException("the benchmark could not start itself under full JIT");
        await child.WaitForExitAsync().ConfigureAwait(false);
        return child.ExitCode;
    }
}
