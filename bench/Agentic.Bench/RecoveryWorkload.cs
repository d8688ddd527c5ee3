using System.Diagnostics;
using System.Globalization;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Bench;

/// <summary>
/// Workload R: a child process runs L tick-tock lifetimes on SQLite and is killed with SIGKILL once a share of their
/// records is durable; the harness then restarts the runtime on the same file, recovers, and checks every journal.
/// <c>recovery_ms</c>: restart until every unfinished lifetime is re-activated and its lost executions re-dispatched;
/// <c>complete_ms</c>: restart until all have completed. <c>lost</c>: executions a lifetime should have and has not
/// (or lifetimes that did not complete right); <c>duplicated</c>: executions recorded as finished more than once.
/// </summary>
internal static class RecoveryWorkload
{
    public const string ChildFlag = "--child-r";
    private static readonly string[] End = ["end"];
    private static readonly string[] Work = ["work"];

    private static AgentGraph Graph(int steps) => new GraphBuilder("bench-recovery")
        .Task("work", "counter")
        .Plan("decide", "route", o => o.Config(new { rules = new[] { new { when = $"result.count >= {steps}", to = End } }, otherwise = Work }))
        .Edge("work", "decide").Edge("decide", "work").Final("decide")
        .IterationCap(steps + 1)
        .Build();

    /// <summary>The child: starts every lifetime, reports durable records on stdout until it is killed.</summary>
    public static async Task<int> ChildAsync(string dbPath, int lifetimes, int steps)
    {
        var recorded = new RecordCounter();
        await using var services = new ServiceCollection()
            .AddSingleton<IJournalObserver>(recorded)
            .AddAgentic()
            .AddSqliteJournal(o => o.Path = dbPath)
            .BuildServiceProvider();
        var runtime = services.GetRequiredService<AgenticRuntime>();
        var graph = Graph(steps);
        var input = Payload.FromJson("""{"count":0}""");
        var handles = Enumerable.Range(0, lifetimes).Select(_ => runtime.Start(graph, new StartLifetimeOptions { Input = input }).Completion).ToArray();
        var all = Task.WhenAll(handles);
        while (!all.IsCompleted)
        {
            Console.Out.WriteLine(recorded.Count.ToString(CultureInfo.InvariantCulture));
            await Console.Out.FlushAsync().ConfigureAwait(false);
            await Task.Delay(2).ConfigureAwait(false);
        }

        Console.Out.WriteLine("finished");
        return 0;
    }

    public static async Task<int> RunAsync(string dir, int lifetimes, int steps, int runs)
    {
        var results = new List<(double RecoveryMs, string Line)>();
        var failed = false;
        for (var run = 1; run <= runs; run++)
        {
            Console.Error.WriteLine($"[R] run {run}/{runs}");
            var (recoveryMs, line, ok) = await RunOnceAsync(Path.Combine(dir, $"r{run}.db"), lifetimes, steps).ConfigureAwait(false);
            Console.WriteLine(line);
            results.Add((recoveryMs, line));
            failed |= !ok;
        }

        var median = results.OrderBy(r => r.RecoveryMs).ElementAt(results.Count / 2);
        Console.WriteLine(median.Line.Replace("\"label\":\"R\"", $"\"label\":\"R median of {runs}\"", StringComparison.Ordinal));
        return failed ? 1 : 0;
    }

    private static async Task<(double RecoveryMs, string Line, bool Ok)> RunOnceAsync(string dbPath, int lifetimes, int steps)
    {
        // Kill when about 40% of all records are durable: every lifetime is then mid-loop with executions in flight.
        var totalRecords = lifetimes * ((2 * steps) + 2);
        var killAt = totalRecords * 2 / 5;
        var killedAt = await RunChildUntilKilled(dbPath, lifetimes, steps, killAt).ConfigureAwait(false);

        await using var services = new ServiceCollection().AddAgentic().AddSqliteJournal(o => o.Path = dbPath).BuildServiceProvider();
        var restarted = Stopwatch.GetTimestamp();
        var runtime = services.GetRequiredService<AgenticRuntime>();
        var handles = await runtime.RecoverAsync().ConfigureAwait(false);
        var recoveryMs = Stopwatch.GetElapsedTime(restarted).TotalMilliseconds;
        var outcomes = await Task.WhenAll(handles.Select(h => h.Completion)).WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        var completeMs = Stopwatch.GetElapsedTime(restarted).TotalMilliseconds;

        var check = await Verify(runtime.Journal, lifetimes, steps).ConfigureAwait(false);
        var ok = check.Lost == 0 && check.Duplicated == 0 && check.Lifetimes == lifetimes && outcomes.All(o => o.Phase == ExecutionPhase.Completed);
        var line = string.Create(CultureInfo.InvariantCulture,
            $$"""{"label":"R","profile":"sqlite","lifetimes":{{lifetimes}},"steps":{{steps}},"killed_after_records":{{killedAt}},"unfinished_at_kill":{{handles.Count}},"recovery_ms":{{recoveryMs:0.0}},"complete_ms":{{completeMs:0.0}},"records_applied_on_activation":{{runtime.Activations.RecordsAppliedOnActivation}},"redispatched":{{check.Redispatched}},"lost":{{check.Lost}},"duplicated":{{check.Duplicated}},"ok":{{(ok ? "true" : "false")}}{{(check.Failure is null ? "" : ",\"failure\":\"" + check.Failure.Replace("\"", "'", StringComparison.Ordinal) + "\"")}}}""");
        return (recoveryMs, line, ok);
    }

    private static async Task<long> RunChildUntilKilled(string dbPath, int lifetimes, int steps, long killAt)
    {
        var start = BenchProcess.StartInfo([ChildFlag, dbPath, lifetimes.ToString(CultureInfo.InvariantCulture), steps.ToString(CultureInfo.InvariantCulture)]);
        start.RedirectStandardOutput = true;
        using var child = Process.Start(start) ?? throw new InvalidOperationException("the child process did not start");
        long recorded = 0;
        while (await child.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line == "finished")
            {
                throw new InvalidOperationException($"the child finished all {lifetimes} lifetimes before it could be killed; raise the lifetimes or steps");
            }

            recorded = long.Parse(line, CultureInfo.InvariantCulture);
            if (recorded >= killAt)
            {
                child.Kill(entireProcessTree: true); // SIGKILL: no shutdown code runs
                break;
            }
        }

        await child.WaitForExitAsync().ConfigureAwait(false);
        Console.Error.WriteLine($"[R] killed the child after {recorded} durable records (exit code {child.ExitCode})");
        return recorded;
    }

    private static async Task<(int Lifetimes, long Lost, long Duplicated, long Redispatched, string? Failure)> Verify(IJournalStore store, int lifetimes, int steps)
    {
        var summaries = await store.ListLifetimesAsync(null, lifetimes * 2, default).ConfigureAwait(false);
        long lost = 0, duplicated = 0, redispatched = 0;
        string? failure = null;
        foreach (var summary in summaries)
        {
            var records = new List<JournalEntry>();
            await foreach (var r in store.ReadAsync(summary.LifetimeId, 1, default).ConfigureAwait(false))
            {
                records.Add(r);
            }

            var finished = records.OfType<ExecutionEntry>().Where(e => e.Phase is ExecutionPhase.Completed or ExecutionPhase.Failed).ToList();
            var distinct = finished.Select(e => e.ExecutionId).Distinct(StringComparer.Ordinal).Count();
            duplicated += finished.Count - distinct;
            lost += Math.Max(0, (2 * steps) - distinct);
            redispatched += records.OfType<ExecutionEntry>().Count(e => e.Attempt > 1);
            var gapless = records.Select((r, i) => r.Sequence == i + 1).All(x => x);
            var end = records[^1] as LifetimeEndedEntry;
            var count = end?.Result is { IsJson: true } result && result.Json.TryGetProperty("count", out var c) ? c.GetInt32() : -1;
            if (!gapless || end is not { Phase: ExecutionPhase.Completed } || count != steps)
            {
                lost += 1;
                failure ??= $"lifetime {summary.LifetimeId}: gapless {gapless}, end {end?.Phase.ToWireName() ?? "none"}, count {count}";
            }
        }

        return (summaries.Count, lost, duplicated, redispatched, failure);
    }

    private sealed class RecordCounter : IJournalObserver
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void OnRecorded(JournalEntry entry) => Interlocked.Increment(ref _count);
    }
}
