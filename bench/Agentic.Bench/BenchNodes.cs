using System.Collections.Concurrent;
using System.Diagnostics;
using Agentic.Core.Execution;
using Agentic.Runtime.Nodes;

namespace Agentic.Bench;

/// <summary>
/// Body timestamps per lifetime: slot 2·i is task i, slot 2·i+1 is plan i. Gap = next body start − previous body end.
/// </summary>
internal sealed class StepClock
{
    public ConcurrentDictionary<string, (long[] Start, long[] End)> Lifetimes { get; } = new(StringComparer.Ordinal);

    public void Track(string lifetimeId, int steps) => Lifetimes[lifetimeId] = (new long[2 * steps], new long[2 * steps]);

    /// <summary>Adds the lifetime's gaps (one node's end to the next one's start) to <paramref name="gapsMs"/> and forgets it.</summary>
    public void TakeGaps(string lifetimeId, List<double> gapsMs)
    {
        if (!Lifetimes.TryRemove(lifetimeId, out var t))
        {
            return;
        }

        for (var k = 1; k < t.Start.Length; k++)
        {
            gapsMs.Add(Stopwatch.GetElapsedTime(t.End[k - 1], t.Start[k]).TotalMilliseconds);
        }
    }
}

/// <summary>The benchmark task: increments the counter carried in the result. Payloads for each count are built once.</summary>
internal sealed class BenchTask(StepClock clock, BenchPayloads payloads) : ITaskHandler
{
    public ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var count = BenchPayloads.CountOf(context.Input);
        var result = payloads.For(count + 1);
        if (clock.Lifetimes.TryGetValue(context.LifetimeId, out var t))
        {
            t.Start[2 * context.Iteration] = start;
            t.End[2 * context.Iteration] = Stopwatch.GetTimestamp();
        }

        return ValueTask.FromResult(result);
    }
}

/// <summary>The benchmark plan: back to the task until the counter reaches STEPS, then the final edge.</summary>
internal sealed class BenchPlan(StepClock clock, BenchPayloads payloads) : IPlanHandler
{
    private static readonly PlanDecision Again = PlanDecision.To("task");
    private static readonly PlanDecision Done = PlanDecision.End();

    public ValueTask<PlanDecision> DecideAsync(PlanContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var decision = BenchPayloads.CountOf(context.Result) >= payloads.Steps ? Done : Again;
        if (clock.Lifetimes.TryGetValue(context.LifetimeId, out var t))
        {
            t.Start[(2 * context.Iteration) + 1] = start;
            t.End[(2 * context.Iteration) + 1] = Stopwatch.GetTimestamp();
        }

        return ValueTask.FromResult(decision);
    }
}

/// <summary>One immutable payload per counter value, so node bodies stay trivial (their JSON is parsed once).</summary>
internal sealed class BenchPayloads
{
    private readonly Payload[] _byCount;

    public BenchPayloads(int steps)
    {
        Steps = steps;
        _byCount = Enumerable.Range(0, steps + 2).Select(i => Payload.FromJson($$"""{"count":{{i}}}""")).ToArray();
    }

    public int Steps { get; }

    public Payload For(int count) => count < _byCount.Length ? _byCount[count] : Payload.FromJson($$"""{"count":{{count}}}""");

    public static int CountOf(Payload p) => p.Json.TryGetProperty("count", out var c) ? c.GetInt32() : 0;
}
