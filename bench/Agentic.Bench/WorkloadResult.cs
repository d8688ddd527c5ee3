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
    public double NodeExecPerSecond => NodeExecs / (WallMs / 1000);

    public double LifetimesPerSecond => Lifetimes / (WallMs / 1000);
}
