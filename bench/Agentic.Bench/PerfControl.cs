namespace Agentic.Bench;

/// <summary>
/// Profiles only the timed part of each run: with AGENTIC_BENCH_PERF_CTL naming the control FIFO of
/// <c>perf record -D -1 --control fifo:PATH</c>, sampling is enabled as a run starts and disabled as it ends, so
/// warm-up, JIT and the harness's own statistics stay out of the profile.
/// </summary>
internal static class PerfControl
{
    private static readonly StreamWriter? Fifo = Environment.GetEnvironmentVariable("AGENTIC_BENCH_PERF_CTL") is { Length: > 0 } path
        ? new StreamWriter(path) { AutoFlush = true }
        : null;

    public static void Enable() => Fifo?.Write("enable\n");

    public static void Disable() => Fifo?.Write("disable\n");
}
