using System.Net;
using System.Net.Sockets;
using Agentic.Core.Formats;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agentic.Orleans.Tests;

/// <summary>
/// A web API's view: a separate client host that knows only Agentic.Orleans.Abstractions (AddAgenticClient) reaches a
/// silo through its gateway, starts a lifetime, watches its journal's live tail to the end and reads the outcome.
/// </summary>
public sealed class ClusterClientTests
{
    [Fact]
    public async Task AClientOfTheAbstractionsOnly_StartsALifetime_AndFollowsItsJournalTail_ToTheEnd()
    {
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        var silo = Host.CreateApplicationBuilder();
        silo.Logging.SetMinimumLevel(LogLevel.Warning);
        silo.UseOrleans(s => s.UseLocalhostClustering(siloPort, gatewayPort).AddAgentic());
        using var siloHost = silo.Build();
        await siloHost.StartAsync();

        var api = Host.CreateApplicationBuilder();
        api.Logging.SetMinimumLevel(LogLevel.Warning);
        api.UseOrleansClient(c => c.UseLocalhostClustering(gatewayPort).AddAgenticClient());
        using var apiHost = api.Build();
        await apiHost.StartAsync();
        var client = apiHost.Services.GetRequiredService<IClusterClient>();

        try
        {
            var graph = GraphReader.Parse(File.ReadAllText(Testing.RepoPaths.Sample("hello")), "graph.yaml");
            var id = Guid.NewGuid().ToString("N");
            var started = await client.GetGrain<IAgentLifetimeGrain>(id).StartAsync(new StartLifetimeCommand(graph.CanonicalJson, "acme", PayloadData.FromJson("""{"count":0}"""), null));
            Assert.Equal(id, started.LifetimeId);

            var seen = new List<ExecutionRef>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await foreach (var reference in client.GetGrain<IJournalGrain>(id).TailAsync(1).WithCancellation(timeout.Token))
            {
                seen.Add(reference);
            }

            var state = await client.GetGrain<IAgentLifetimeGrain>(id).InspectAsync();
            Assert.Equal("completed", state.Phase);
            Assert.Equal("""{"count":10}""", state.Result!.JsonText);
            Assert.Equal(Enumerable.Range(1, (int)state.LastSequence).Select(n => (long)n), seen.Select(r => r.Sequence));
        }
        finally
        {
            await apiHost.StopAsync();
            await siloHost.StopAsync();
        }
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
