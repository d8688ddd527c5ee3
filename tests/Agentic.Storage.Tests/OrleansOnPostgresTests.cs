using System.Net;
using System.Net.Sockets;
using Agentic.Core.Formats;
using Agentic.Orleans;
using Agentic.Orleans.Postgres;
using Agentic.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;

using Agentic.Tests;

namespace Agentic.Storage.Tests;

/// <summary>
/// Orleans' ADO.NET providers on the project's own PostgreSQL schema (the packages ship no SQL): silos join through
/// the membership table, grain state round-trips through the storage table, lifetimes journal to PostgreSQL.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansOnPostgresTests(PostgresServer server) : IAsyncLifetime
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..16];
    private readonly string _cluster = "test-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IHost> _silos = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.StopAsync();
            silo.Dispose();
        }
    }

    private async Task<IHost> StartSiloAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => silo
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (_cluster, "agentic-tests"))
            .ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort())
            .UseAgenticPostgres(server.ConnectionString, _schema)
            .AddAgentic());
        var host = builder.Build();
        _silos.Add(host);
        await host.StartAsync();
        return host;
    }

    private async Task<long> Count(string sql)
    {
        await using var data = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(server.ConnectionString) { SearchPath = _schema });
        await using var command = data.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task TwoSilos_JoinThroughTheMembershipTable_RunALifetimeOnThePostgresJournal_AndGrainStateOutlivesThem()
    {
        var first = await StartSiloAsync();
        var second = await StartSiloAsync();
        var grains = second.Services.GetRequiredService<IGrainFactory>();
        var management = grains.GetGrain<IManagementGrain>(0);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await management.GetHosts(onlyActive: true)).Count < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the two silos did not see each other active within 30 s");
            await Task.Delay(100);
        }

        Assert.Equal(2, await Count($"SELECT COUNT(*) FROM orleans_membership WHERE deployment_id = '{_cluster}' AND status = 3"));

        var graph = GraphReader.Parse(File.ReadAllText(RepoPaths.Sample("hello")), "graph.yaml");
        var state = await first.Services.GetRequiredService<IGrainFactory>().RunLifetimeAsync(graph, new { count = 0 });
        Assert.Equal(("completed", """{"count":10}"""), (state.Phase, state.Result!.JsonText));
        Assert.Equal(state.LastSequence, await Count($"SELECT COUNT(*) FROM journal WHERE lifetime_id = '{state.LifetimeId}'"));
        Assert.True(await Count("SELECT COUNT(*) FROM orleans_storage") >= 1, "the graph registry's state is in PostgreSQL");

        // Both silos stop (their rows turn Dead); a new silo reads the published graph back from the storage table.
        foreach (var silo in _silos.ToList())
        {
            await silo.StopAsync();
            silo.Dispose();
            _silos.Remove(silo);
        }

        Assert.Equal(0, await Count($"SELECT COUNT(*) FROM orleans_membership WHERE deployment_id = '{_cluster}' AND status = 3"));
        var third = await StartSiloAsync();
        var published = await third.Services.GetRequiredService<IGrainFactory>().GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of("default", graph.Name)).GetAsync(graph.Version.ToString());
        Assert.NotNull(published);
        Assert.Equal(graph.ContentHash, published.Hash);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
