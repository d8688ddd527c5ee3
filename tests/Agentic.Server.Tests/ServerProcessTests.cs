using System.Net;
using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Orleans;
using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Agentic.Server.Tests;

/// <summary>The silo host as separate processes: ports that collide, SIGTERM, and a restart that picks up the work.</summary>
public sealed class ServerProcessTests : IDisposable
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-server-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ASecondSilo_GivenAPortInUse_RefusesToStart_NamingThePortAndItsSetting()
    {
        var (siloPort, gatewayPort) = (ServerProcess.FreePort(), ServerProcess.FreePort());
        using var first = ServerProcess.Start(_dir, siloPort, gatewayPort, "--Agentic:Journal=memory");
        Assert.True(await first.WaitReadyAsync(Startup), first.Output);

        using var second = ServerProcess.Start(_dir, siloPort, ServerProcess.FreePort(), "--Agentic:Journal=memory");
        await second.WaitForExitAsync(Startup);

        Assert.Equal(2, second.ExitCode);
        Assert.Contains($"port {siloPort} (Agentic:SiloPort) is already in use by another process", second.Output, StringComparison.Ordinal);
        Assert.True(await first.WaitReadyAsync(TimeSpan.FromSeconds(5)), "the first silo is still ready");
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Username=agentic;Database=agentic;Timeout=2", "--Agentic:Journal=postgres", "agentic-server: PostgreSQL journal postgres://127.0.0.1:1/agentic?schema=agentic cannot be used: ")]
    [InlineData("", "--Agentic:Journal=postgres", "agentic-server: Agentic:Journal is postgres but ConnectionStrings:Agentic is not set (or empty)")]
    [InlineData("", "--Agentic:Journal=mysql", "agentic-server: Agentic:Journal 'mysql' is not one of sqlite, postgres, memory")]
    public async Task AnUnusableSettingOrJournal_StopsTheStart_WithOneLineNamingIt_AndExit2(string connectionString, string setting, string expected)
    {
        var environment = new Dictionary<string, string> { ["ConnectionStrings__Agentic"] = connectionString };
        using var server = ServerProcess.Start(_dir, ServerProcess.FreePort(), ServerProcess.FreePort(), environment, setting);
        await server.WaitForExitAsync(Startup);

        Assert.Equal(2, server.ExitCode);
        Assert.Contains(expected, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_StopsTheSiloGracefully_AndARestartedSiloFinishesTheLifetimeItHadInFlight()
    {
        var (siloPort, gatewayPort) = (ServerProcess.FreePort(), ServerProcess.FreePort());
        var graph = GraphReader.Parse("""
            graph: slow
            version: 1.0.0
            nodes:
              - { name: wait, kind: task, type: sleep, config: { ms: 4000 } }
              - { name: done, kind: plan, type: all }
            edges:
              - { from: wait, to: done }
              - { from: done, to: end, kind: final }
            """, "slow.yaml");
        string id;
        using (var server = ServerProcess.Start(_dir, siloPort, gatewayPort))
        {
            Assert.True(await server.WaitReadyAsync(Startup), server.Output);
            using (var client = await ClientAsync(gatewayPort))
            {
                var lifetime = await client.Services.GetRequiredService<IClusterClient>().StartLifetimeAsync(graph, new { n = 1 });
                id = lifetime.GetPrimaryKeyString();
                // Its first dispatch is recorded right after the start (pending until then): the sleep is then in flight.
                var phase = (await lifetime.InspectAsync()).Phase;
                for (var tries = 0; phase == "pending" && tries < 100; tries++)
                {
                    await Task.Delay(20);
                    phase = (await lifetime.InspectAsync()).Phase;
                }

                Assert.Equal("running", phase);
                await client.StopAsync();
            }

            server.Terminate();
            await server.WaitForExitAsync(TimeSpan.FromSeconds(40));
            Assert.Equal(0, server.ExitCode);
        }

        var dbPath = Path.Combine(_dir, ".agentic", "agentic.db");
        await using (var journal = new SqliteJournalStore(new SqliteJournalOptions { Path = dbPath }))
        {
            Assert.Contains(id, await journal.ListUnfinishedAsync(default));
        }

        using (var restarted = ServerProcess.Start(_dir, siloPort, gatewayPort))
        {
            Assert.True(await restarted.WaitReadyAsync(Startup), restarted.Output);
            await using var journal = new SqliteJournalStore(new SqliteJournalOptions { Path = dbPath });
            var deadline = DateTime.UtcNow.AddSeconds(60);
            List<JournalEntry> records;
            do
            {
                await Task.Delay(200);
                records = await journal.ReadAsync(id, 1, default).ToListAsync();
                Assert.True(DateTime.UtcNow < deadline, "the restarted silo did not finish the lifetime within 60 s: " + restarted.Output);
            }
            while (records[^1] is not LifetimeEndedEntry);

            Assert.Equal(ExecutionPhase.Completed, ((LifetimeEndedEntry)records[^1]).Phase);
            Assert.Equal(Enumerable.Range(1, records.Count).Select(n => (long)n), records.Select(r => r.Sequence));
            var finished = records.OfType<ExecutionEntry>().Where(e => e.Phase == ExecutionPhase.Completed).Select(e => e.ExecutionId).ToList();
            Assert.Equal(finished.Count, finished.Distinct().Count());
            restarted.Terminate();
            await restarted.WaitForExitAsync(TimeSpan.FromSeconds(40));
        }
    }

    private static async Task<IHost> ClientAsync(int gatewayPort)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(c => c
            .UseStaticClustering(new IPEndPoint(IPAddress.Loopback, gatewayPort))
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = ("agentic", "agentic"))
            .AddAgenticClient());
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
