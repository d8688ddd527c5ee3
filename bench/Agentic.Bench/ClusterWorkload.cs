using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Agentic.Core.Graphs;
using Agentic.Orleans;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Agentic.Bench;

/// <summary>
/// Workload X: C (1,000 lifetimes × 10 steps of the built-in counter/route loop, PostgreSQL with fsync, durable before
/// dispatch) on 1, 2 and 3 silo processes (src/Agentic.Server), driven by a cluster client through their gateways.
/// Prints node executions per second and the per-silo efficiency (throughput ÷ (silos × the one-silo throughput)).
/// </summary>
internal static class ClusterWorkload
{
    private static readonly string[] End = ["end"];
    private static readonly string[] Work = ["work"];

    public static async Task<int> RunAsync(string scratch, int runs)
    {
        var postgres = await BenchPostgres.ConnectionStringAsync(scratch);
        var graph = new GraphBuilder("bench-cluster")
            .Task("work", "counter")
            .Plan("decide", "route", o => o.Config(new { rules = new[] { new { when = "result.count >= 10", to = End } }, otherwise = Work }))
            .Edge("work", "decide").Edge("decide", "work").Final("decide")
            .IterationCap(11)
            .Build();
        double? single = null;
        var failed = false;
        for (var silos = 1; silos <= 3; silos++)
        {
            var schema = $"x{silos}_{Guid.NewGuid():N}"[..16];
            var cluster = "x-" + Guid.NewGuid().ToString("N")[..8];
            var processes = new List<Process>();
            var gateways = new List<int>();
            try
            {
                for (var i = 0; i < silos; i++)
                {
                    var (gateway, http) = (FreePort(), FreePort());
                    gateways.Add(gateway);
                    processes.Add(StartSilo(postgres, schema, cluster, FreePort(), gateway, http));
                    await WaitReadyAsync(http).ConfigureAwait(false);
                }

                using var client = await ClientAsync(cluster, gateways).ConfigureAwait(false);
                var grains = client.Services.GetRequiredService<IClusterClient>();
                await RunLifetimesAsync(grains, graph, 200).ConfigureAwait(false); // warm-up
                var results = new List<double>();
                for (var r = 0; r < runs; r++)
                {
                    var wall = await RunLifetimesAsync(grains, graph, 1000).ConfigureAwait(false);
                    results.Add(1000 * 20 / wall.TotalSeconds);
                    Console.Error.WriteLine($"[X] {silos} silo(s), run {r + 1}/{runs}: {results[^1]:0} node exec/s");
                }

                var median = results.Order().ElementAt(results.Count / 2);
                single ??= median;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"label":"X","profile":"postgres","silos":{{silos}},"lifetimes":1000,"steps":10,"node_exec_per_s":{{median:0}},"per_silo_efficiency":{{median / (silos * single.Value):0.00}},"runs":{{runs}}}"""));
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                Console.Error.WriteLine($"[X] {silos} silo(s): {ex.Message}");
                failed = true;
            }
            finally
            {
                foreach (var process in processes)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync().ConfigureAwait(false);
                    process.Dispose();
                }
            }
        }

        return failed ? 1 : 0;
    }

    private static async Task<TimeSpan> RunLifetimesAsync(IClusterClient grains, AgentGraph graph, int count)
    {
        var started = Stopwatch.GetTimestamp();
        var states = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => grains.RunLifetimeAsync(graph, new { count = 0 }))).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(started);
        if (states.FirstOrDefault(s => s.Phase != "completed" || s.Executions != 20) is { } bad)
        {
            throw new InvalidOperationException($"lifetime {bad.LifetimeId} ended {bad.Phase} after {bad.Executions} executions: {bad.Reason}");
        }

        return wall;
    }

    private static Process StartSilo(string postgres, string schema, string cluster, int siloPort, int gatewayPort, int httpPort)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Agentic.Server.dll"));
        foreach (var arg in new[] { "--Agentic:Journal=postgres", $"--Agentic:Schema={schema}", $"--Agentic:ClusterId={cluster}", $"--Agentic:SiloPort={siloPort}", $"--Agentic:GatewayPort={gatewayPort}", $"--Urls=http://127.0.0.1:{httpPort}", "--Logging:LogLevel:Default=Warning" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ConnectionStrings__Agentic"] = postgres;
        var process = Process.Start(start) ?? throw new InvalidOperationException("a silo process did not start");
        // The silos' failures (console log lines at fail/crit, and what follows them) go to the harness's stderr.
        var echo = false;
        void Forward(string? line)
        {
            if (line is null)
            {
                return;
            }

            echo = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal) || (echo && line.StartsWith(' '));
            if (echo)
            {
                Console.Error.WriteLine($"[X silo {process.Id}] {line}");
            }
        }

        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitReadyAsync(int httpPort)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/health/ready")).ConfigureAwait(false)).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200).ConfigureAwait(false);
        }

        throw new TimeoutException($"the silo with health port {httpPort} was not ready within 60 s");
    }

    private static async Task<IHost> ClientAsync(string cluster, IEnumerable<int> gateways)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(c => c
            .UseStaticClustering(gateways.Select(p => new IPEndPoint(IPAddress.Loopback, p)).ToArray())
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster, "agentic"))
            .AddAgenticClient());
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        return host;
    }

    internal static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
