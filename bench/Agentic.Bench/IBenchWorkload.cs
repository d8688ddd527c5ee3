namespace Agentic.Bench;

/// <summary>A workload the harness measures run by run.</summary>
internal interface IBenchWorkload : IAsyncDisposable
{
    Task<WorkloadResult> RunAsync(string label, int lifetimes);
}
