using Agentic.Runtime.Journal;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Agentic.Orleans.Tests;

/// <summary>
/// Two silos in one process with the lifetime grains, sharing one journal store (as silos share PostgreSQL), so a
/// lifetime re-activated on either silo reads what the other wrote.
/// </summary>
public sealed class LifetimeClusterFixture : IAsyncLifetime
{
    public InMemoryJournalStore Journal { get; } = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<IJournalStore>(Journal);
            silo.AddAgentic();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
