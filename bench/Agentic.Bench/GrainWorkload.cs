using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Agentic.Core.Graphs;
using Agentic.Orleans;
using Agentic.Runtime.Hosting;
using Agentic.Storage.Postgres;
using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agentic.Bench;

/// <summary>
/// The tick-tock loop on the product's host: one in-process Orleans silo with the lifetime grains (localhost
/// clustering, memory streams), driven through IGrainFactory as a web API would: each lifetime is started and awaited
/// with grain calls, every step journaled before the next is dispatched to the executor grains.
/// </summary>
internal sealed class GrainWorkload : IBenchWorkload
{
    private readonly IHost _host;
    private readonly StepClock _clock = new();
    private readonly string _graphJson;
    private readonly int _steps;

    private GrainWorkload(string profile, int steps, string? sqlitePath, SqliteSynchronous sync, int? retainFinished, Core.Guardrails.PolicySet? policies, string? postgres)
    {
        _steps = steps;
        Profile = profile;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddSingleton(_clock).AddSingleton(new BenchPayloads(steps));
        if (postgres is not null)
        {
            // A schema of its own per workload: every run starts from empty tables.
            builder.Services.AddPostgresJournal(o =>
            {
                o.ConnectionString = postgres;
                o.Schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
            });
            Durability = "postgres, fsync on, on one Orleans silo";
        }
        else if (sqlitePath is null)
        {
            builder.Services.AddInMemoryJournal(o => o.RetainFinishedLifetimes = retainFinished);
            Durability = "in memory, on one Orleans silo";
        }
        else
        {
            builder.Services.AddSqliteJournal(o =>
            {
                o.Path = sqlitePath;
                o.Synchronous = sync;
            });
            Durability = $"sqlite WAL synchronous={(sync == SqliteSynchronous.Full ? "FULL" : "NORMAL")}, on one Orleans silo";
        }

        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort())
            .AddAgentic(b =>
            {
                b.AddTask<BenchTask>("bench_task").AddPlan<BenchPlan>("bench_plan");
                if (policies is not null)
                {
                    b.AddPolicies(policies);
                }
            }));
        _host = builder.Build();
        _graphJson = new GraphBuilder("bench-loop")
            .Task("task", "bench_task")
            .Plan("plan", "bench_plan")
            .Edge("task", "plan").Edge("plan", "task").Final("plan")
            .IterationCap(steps + 1)
            .Build().CanonicalJson;
    }

    public string Profile { get; }

    public string Durability { get; }

    private IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    public static async Task<GrainWorkload> StartAsync(string profile, int steps, string? sqlitePath, SqliteSynchronous sync, int? retainFinished, Core.Guardrails.PolicySet? policies = null, string? postgres = null)
    {
        var workload = new GrainWorkload(profile, steps, sqlitePath, sync, retainFinished, policies, postgres);
        await workload._host.StartAsync().ConfigureAwait(false);
        return workload;
    }

    public async Task<WorkloadResult> RunAsync(string label, int lifetimes)
    {
        var ids = Enumerable.Range(0, lifetimes).Select(_ => Core.Execution.LifetimeIds.Format(Guid.CreateVersion7())).ToArray();
        foreach (var id in ids)
        {
            _clock.Track(id, _steps);
        }

        var input = PayloadData.FromJson("""{"count":0}""");
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var started = Stopwatch.GetTimestamp();
        var runs = ids.Select(async id =>
        {
            var begun = Stopwatch.GetTimestamp();
            var lifetime = Grains.GetGrain<IAgentLifetimeGrain>(id);
            await lifetime.StartAsync(new StartLifetimeCommand(_graphJson, "default", input, null)).ConfigureAwait(false);
            var settled = await lifetime.WhenSettledAsync().ConfigureAwait(false);
            return (State: settled, Ms: Stopwatch.GetElapsedTime(begun).TotalMilliseconds);
        }).ToArray();
        var results = await Task.WhenAll(runs).ConfigureAwait(false);
        var wallMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        self.Refresh();
        var cpuMs = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;

        string? failure = null;
        var gaps = new List<double>(lifetimes * 2 * _steps);
        foreach (var (state, _) in results)
        {
            if (state.Phase != "completed" || state.Executions != 2 * _steps || state.Result is null || !state.Result.JsonText.Contains($"\"count\":{_steps}", StringComparison.Ordinal))
            {
                failure ??= $"lifetime {state.LifetimeId} ended {state.Phase} with {state.Executions} executions: {state.Reason}";
                continue;
            }

            _clock.TakeGaps(state.LifetimeId, gaps);
        }

        foreach (var id in ids)
        {
            _clock.Lifetimes.TryRemove(id, out _);
        }

        using var process = Process.GetCurrentProcess();
        return new WorkloadResult(label, Profile, lifetimes, _steps, wallMs, (long)lifetimes * 2 * _steps, gaps.ToArray(), results.Select(r => r.Ms).ToArray(), process.PeakWorkingSet64 / (1024.0 * 1024.0), failure is null, failure, Durability, cpuMs);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }

    internal static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
