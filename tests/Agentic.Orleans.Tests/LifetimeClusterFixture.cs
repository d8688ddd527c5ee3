using Agentic.Runtime.Journal;
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
        Cluster = await AgenticTestCluster.StartAsync(2, Journal);
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
