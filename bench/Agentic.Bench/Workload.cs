using System.Diagnostics;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Bench;

/// <summary>Runs the tick-tock loop workload: L concurrent lifetimes of STEPS task+plan cycles on one runtime.</summary>
internal sealed class Workload : IBenchWorkload
{
    private readonly ServiceProvider _services;
    private readonly StepClock _clock = new();
    private readonly AgentGraph _graph;
    private readonly int _steps;

    /// <param name="retainFinished">Finished lifetimes the in-memory journal keeps (null: all); the harness reads a run's journals right after it.</param>
    public Workload(string profile, int steps, string? sqlitePath, SqliteSynchronous sync, int? retainFinished, Core.Guardrails.PolicySet? policies = null)
    {
        _steps = steps;
        Profile = profile;
        var services = new ServiceCollection()
            .AddSingleton(_clock)
            .AddSingleton(new BenchPayloads(steps))
            .AddAgentic(b =>
            {
                b.AddTask<BenchTask>("bench_task").AddPlan<BenchPlan>("bench_plan");
                if (policies is not null)
                {
                    b.AddPolicies(policies);
                }
            });
        if (sqlitePath is null)
        {
            services.AddInMemoryJournal(o => o.RetainFinishedLifetimes = retainFinished);
            Durability = retainFinished is { } kept ? $"in memory, the last {kept} finished lifetimes kept" : "in memory, every journal kept";
        }
        else
        {
            services.AddSqliteJournal(o =>
            {
                o.Path = sqlitePath;
                o.Synchronous = sync;
            });
            Durability = sync == SqliteSynchronous.Full
                ? "sqlite WAL synchronous=FULL: every commit fsynced, survives process crash and power loss"
                : "sqlite WAL synchronous=NORMAL: survives process crash, not power loss";
        }

        _services = services.BuildServiceProvider();
        Runtime = _services.GetRequiredService<AgenticRuntime>();
        _graph = new GraphBuilder("bench-loop")
            .Task("task", "bench_task")
            .Plan("plan", "bench_plan")
            .Edge("task", "plan").Edge("plan", "task").Final("plan")
            .IterationCap(steps + 1)
            .Build();
        Runtime.Validate(_graph);
    }

    public AgenticRuntime Runtime { get; }

    public string Profile { get; }

    public string? Durability { get; }

    /// <param name="collectGarbage">
    /// End the timed run with a blocking gen-1 collection: the run pays for collecting what it allocated, rather than
    /// a collection landing on whichever later run exhausts the allocation budget (for runs compared pair by pair).
    /// </param>
    public async Task<WorkloadResult> RunAsync(string label, int lifetimes, bool collectGarbage = false)
    {
        var ids = Enumerable.Range(0, lifetimes).Select(_ => AgenticRuntime.NewLifetimeId()).ToArray();
        foreach (var id in ids)
        {
            _clock.Track(id, _steps);
        }

        var input = Payload.FromJson("""{"count":0}""");
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var batchesBefore = Runtime.Writer.Batches;
        var recordsBefore = Runtime.Writer.Records;
        var gcBefore = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var started = Stopwatch.GetTimestamp();
        PerfControl.Enable();
        var handles = new Task<LifetimeOutcome>[lifetimes];
        for (var i = 0; i < lifetimes; i++)
        {
            handles[i] = Runtime.Start(_graph, new StartLifetimeOptions { Input = input, LifetimeId = ids[i] }).Completion;
        }

        var outcomes = await Task.WhenAll(handles).ConfigureAwait(false);
        PerfControl.Disable();
        if (collectGarbage)
        {
            GC.Collect(1, GCCollectionMode.Forced, blocking: true);
        }

        var wallMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        self.Refresh();
        var cpuMs = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;
        Console.Error.WriteLine($"  journal: {Runtime.Writer.Records - recordsBefore} records in {Runtime.Writer.Batches - batchesBefore} transactions");
        Console.Error.WriteLine($"  gc during run: gen0 {GC.CollectionCount(0) - gcBefore.Item1}, gen1 {GC.CollectionCount(1) - gcBefore.Item2}, gen2 {GC.CollectionCount(2) - gcBefore.Item3}, paused {(GC.GetTotalPauseDuration() - gcBefore.Item4).TotalMilliseconds:0.0} ms, threads {ThreadPool.ThreadCount}, allocated {(GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore) / Math.Max(1, lifetimes * _steps * 2)} B/exec, heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576} MB");

        string? failure = null;
        var gaps = new List<double>(lifetimes * 2 * _steps);
        foreach (var o in outcomes)
        {
            if (o.Phase != ExecutionPhase.Completed || o.Result is null || !o.Result.Json.TryGetProperty("count", out var c) || c.GetInt32() != _steps || o.Executions != 2 * _steps)
            {
                failure ??= $"lifetime {o.LifetimeId} ended {o.Phase.ToWireName()} with {o.Executions} executions and result {o.Result}: {o.Reason}";
                continue;
            }

            _clock.TakeGaps(o.LifetimeId, gaps);
        }

        foreach (var id in ids)
        {
            _clock.Lifetimes.TryRemove(id, out _);
        }

        await VerifyJournal(outcomes[0]).ConfigureAwait(false);
        using var process = Process.GetCurrentProcess();
        return new WorkloadResult(
            label,
            Profile,
            lifetimes,
            _steps,
            wallMs,
            (long)lifetimes * 2 * _steps,
            gaps.ToArray(),
            outcomes.Select(o => o.Duration.TotalMilliseconds).ToArray(),
            process.PeakWorkingSet64 / (1024.0 * 1024.0),
            failure is null,
            failure,
            Durability,
            cpuMs);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    // Spot check that the journal holds the whole lifetime, gapless: a run that lost records is not a result.
    private async Task VerifyJournal(LifetimeOutcome sample)
    {
        long expected = 1;
        await foreach (var r in Runtime.Journal.ReadAsync(sample.LifetimeId, 1, default).ConfigureAwait(false))
        {
            if (r.Sequence != expected++)
            {
                throw new InvalidOperationException($"journal of {sample.LifetimeId} has a gap at {expected - 1}");
            }
        }

        if (expected - 1 != (2 * _steps) + 2)
        {
            throw new InvalidOperationException($"journal of {sample.LifetimeId} has {expected - 1} records, expected {(2 * _steps) + 2}");
        }
    }
}
