namespace Agentic.Bench;

/// <summary>One run's measurements, printed as one JSON line with the field names of BENCH.md.</summary>
internal sealed record WorkloadResult(
    string Label,
    string Profile,
    int Lifetimes,
    int Steps,
    double WallMs,
    long NodeExecs,
    double[] GapsMs,
    double[] LifetimeMs,
    double PeakRssMb,
    bool Ok,
    string? Failure,
    string? Durability,
    double CpuMs)
{
    /// <summary>For a workload measured against a baseline run by run (G against A): the baseline's run paired with this one (the median line: the median).</summary>
    public double? BaselineNodeExecPerSecond { get; init; }

    /// <summary>This run's throughput over its paired baseline run's (the median line: median over median).</summary>
    public double? RatioToBaseline { get; init; }

    public double NodeExecPerSecond => NodeExecs / (WallMs / 1000);

    public double LifetimesPerSecond => Lifetimes / (WallMs / 1000);
}
