using System.Diagnostics;
using System.Globalization;
using Agentic.Core.Graphs;
using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Agentic.Orleans;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agentic.Bench;

/// <summary>
/// Workload M: L lifetimes run a task and a plan, then park in a human wait. Measures resident memory per parked
/// lifetime (after a full collection), and shows that parked lifetimes hold no grain activation.
/// </summary>
internal static class ParkedWorkload
{
    /// <summary>One in-process silo on the SQLite journal; parked lifetimes' grains deactivate.</summary>
    public static async Task<int> RunAsync(int lifetimes, string dbPath)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddSqliteJournal(o => o.Path = dbPath);
        builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: GrainWorkload.FreePort(), gatewayPort: GrainWorkload.FreePort()).AddAgentic());
        using var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        var grains = host.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<global::Orleans.Runtime.IManagementGrain>(0);
        var graph = new GraphBuilder("parked")
            .Task("task", "echo").Plan("plan", "all").Task("wait", "human", o => o.Config(new { prompt = "approve?" }))
            .Edge("task", "plan").Edge("plan", "wait").Final("wait")
            .Build();

        async Task Park(int count)
        {
            var pending = new List<Task>(count);
            for (var i = 0; i < count; i++)
            {
                pending.Add(grains.RunLifetimeAsync(graph));
                if (pending.Count == 2_000)
                {
                    await Task.WhenAll(pending).ConfigureAwait(false);
                    pending.Clear();
                }

                if (i % 10_000 == 9_999)
                {
                    Console.Error.WriteLine($"[M] started {i + 1}/{count}");
                }
            }

            await Task.WhenAll(pending).ConfigureAwait(false);
        }

        async Task<int> Activations()
        {
            // The lifetimes deactivate once parked; what stays are the silo's own grains (registry, guardrails, system).
            for (var waited = 0; waited < 600; waited++)
            {
                var count = await management.GetTotalActivationCount().ConfigureAwait(false);
                if (count < 100)
                {
                    return count;
                }

                await Task.Delay(100).ConfigureAwait(false);
            }

            return await management.GetTotalActivationCount().ConfigureAwait(false);
        }

        await Park(200).ConfigureAwait(false);
        await Activations().ConfigureAwait(false);
        var before = Resident();
        var started = Stopwatch.GetTimestamp();
        await Park(lifetimes).ConfigureAwait(false);
        var wallMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var left = await Activations().ConfigureAwait(false);
        var after = Resident();
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $$"""{"label":"M","profile":"sqlite","lifetimes":{{lifetimes}},"steps":2,"wall_ms":{{wallMs:0.0}},"rss_per_lifetime_kb":{{(after.Rss - before.Rss) / 1024.0 / lifetimes:0.000}},"managed_heap_bytes_per_lifetime":{{(after.Heap - before.Heap) / (double)lifetimes:0.0}},"peak_rss_mb":{{self.PeakWorkingSet64 / 1048576.0:0.0}},"activations_left":{{left}}}"""));
        await host.StopAsync().ConfigureAwait(false);
        return left < 100 ? 0 : 1;
    }

    private static (long Rss, long Heap, long Anon, long File) Resident()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        // Aggressive: the GC also returns the free memory it kept committed from the start burst, so what remains is
        // what the parked lifetimes hold (the GC would return it over time anyway; this just does not wait for it).
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        var (anon, file) = StatusKb();
        return (self.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false), anon * 1024, file * 1024);
    }

    /// <summary>RSS split (Linux): anonymous memory (heaps, stacks) and file-backed pages (code, the memory-mapped database).</summary>
    private static (long AnonKb, long FileKb) StatusKb()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status))
        {
            return (0, 0);
        }

        long anon = 0, file = 0;
        foreach (var line in File.ReadLines(status))
        {
            if (line.StartsWith("RssAnon:", StringComparison.Ordinal))
            {
                anon = long.Parse(line.AsSpan(8).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal))
            {
                file = long.Parse(line.AsSpan(8).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return (anon, file);
    }
}
