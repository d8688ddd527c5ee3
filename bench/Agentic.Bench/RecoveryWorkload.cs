using System.Diagnostics;
using System.Globalization;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Orleans;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agentic.Bench;

/// <summary>
/// Workload R: a child process runs a silo with L tick-tock lifetimes on SQLite and is killed with SIGKILL once a share
/// of their records is durable; the harness then starts a silo on the same file, which recovers them by itself, and
/// checks every journal. <c>recovery_ms</c>: from the restart until every lifetime unfinished at the kill has recorded
/// again; <c>complete_ms</c>: until all of them have ended. <c>lost</c>: executions a lifetime should have and has not
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

    /// <summary>The child: one silo on the file; starts every lifetime, reports durable records on stdout until it is killed.</summary>
    public static async Task<int> ChildAsync(string dbPath, int lifetimes, int steps)
    {
        var recorded = new RecordCounter();
        using var host = Silo(dbPath, recorded);
        await host.StartAsync().ConfigureAwait(false);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var graph = Graph(steps);
        var starts = Enumerable.Range(0, lifetimes).Select(_ => grains.StartLifetimeAsync(graph, new { count = 0 })).ToArray();
        var settled = Task.WhenAll(starts.Select(async s => await (await s.ConfigureAwait(false)).WhenSettledAsync().ConfigureAwait(false)));
        while (!settled.IsCompleted)
        {
            Console.Out.WriteLine(recorded.Count.ToString(CultureInfo.InvariantCulture));
            await Console.Out.FlushAsync().ConfigureAwait(false);
            await Task.Delay(2).ConfigureAwait(false);
        }

        Console.Out.WriteLine("finished");
        return 0;
    }

    /// <summary>A silo as a user's host would run it on one machine: localhost clustering, the SQLite journal, recovery on start.</summary>
    private static IHost Silo(string dbPath, IJournalObserver observer)
    {
        var builder = Host.CreateApplicationBuilder();
        // The child's stdout carries the record counts: logs go to stderr.
        builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(observer).AddSqliteJournal(o => o.Path = dbPath);
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: GrainWorkload.FreePort(), gatewayPort: GrainWorkload.FreePort()).AddAgentic());
        return builder.Build();
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

        IReadOnlyList<string> unfinished;
        await using (var bare = new SqliteJournalStore(new SqliteJournalOptions { Path = dbPath }))
        {
            unfinished = await bare.ListUnfinishedAsync(default).ConfigureAwait(false);
        }

        // The restarted silo recovers on its own (membership: the silo joined); nothing here activates a lifetime.
        var watch = new RecoveryWatch(unfinished);
        var restarted = Stopwatch.GetTimestamp();
        using var host = Silo(dbPath, watch);
        await host.StartAsync().ConfigureAwait(false);
        var progressed = await watch.AllProgressed.WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        var recoveryMs = Stopwatch.GetElapsedTime(restarted, progressed).TotalMilliseconds;
        var ended = await watch.AllEnded.WaitAsync(TimeSpan.FromMinutes(5)).ConfigureAwait(false);
        var completeMs = Stopwatch.GetElapsedTime(restarted, ended).TotalMilliseconds;
        var applied = host.Services.GetRequiredService<ActivationCounters>().RecordsAppliedOnActivation;
        var check = await Verify(host.Services.GetRequiredService<IJournalStore>(), lifetimes, steps).ConfigureAwait(false);
        await host.StopAsync().ConfigureAwait(false);
        var ok = check.Lost == 0 && check.Duplicated == 0 && check.Lifetimes == lifetimes;
        var line = string.Create(CultureInfo.InvariantCulture,
            $$"""{"label":"R","profile":"sqlite","lifetimes":{{lifetimes}},"steps":{{steps}},"killed_after_records":{{killedAt}},"unfinished_at_kill":{{unfinished.Count}},"recovery_ms":{{recoveryMs:0.0}},"complete_ms":{{completeMs:0.0}},"records_applied_on_activation":{{applied}},"redispatched":{{check.Redispatched}},"lost":{{check.Lost}},"duplicated":{{check.Duplicated}},"ok":{{(ok ? "true" : "false")}}{{(check.Failure is null ? "" : ",\"failure\":\"" + check.Failure.Replace("\"", "'", StringComparison.Ordinal) + "\"")}}}""");
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

    /// <summary>Stamps when every lifetime unfinished at the kill has recorded again, and when all of them have ended.</summary>
    private sealed class RecoveryWatch : IJournalObserver
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _waitingToProgress;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _waitingToEnd;
        private readonly TaskCompletionSource<long> _progressed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<long> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public RecoveryWatch(IReadOnlyList<string> unfinished)
        {
            _waitingToProgress = new(unfinished.Select(id => KeyValuePair.Create(id, (byte)0)), StringComparer.Ordinal);
            _waitingToEnd = new(unfinished.Select(id => KeyValuePair.Create(id, (byte)0)), StringComparer.Ordinal);
            if (unfinished.Count == 0)
            {
                _progressed.TrySetResult(Stopwatch.GetTimestamp());
                _ended.TrySetResult(Stopwatch.GetTimestamp());
            }
        }

        /// <summary>The timestamp at which the last of them recorded a record after the restart.</summary>
        public Task<long> AllProgressed => _progressed.Task;

        /// <summary>The timestamp at which the last of them recorded its end.</summary>
        public Task<long> AllEnded => _ended.Task;

        public void OnRecorded(JournalEntry entry)
        {
            if (_waitingToProgress.TryRemove(entry.LifetimeId, out _) && _waitingToProgress.IsEmpty)
            {
                _progressed.TrySetResult(Stopwatch.GetTimestamp());
            }

            if (entry is LifetimeEndedEntry && _waitingToEnd.TryRemove(entry.LifetimeId, out _) && _waitingToEnd.IsEmpty)
            {
                _ended.TrySetResult(Stopwatch.GetTimestamp());
            }
        }
    }

    private sealed class RecordCounter : IJournalObserver
    {
        private long _count;

        public long Count => Interlocked.Read(ref _count);

        public void OnRecorded(JournalEntry entry) => Interlocked.Increment(ref _count);
    }
}
