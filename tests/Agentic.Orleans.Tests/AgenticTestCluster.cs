using Agentic.Runtime.Hosting;
using Agentic.Runtime.Journal;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Agentic.Orleans.Tests;

/// <summary>
/// In-process silos with the Agentic grains, sharing one journal store (as silos share PostgreSQL), so a lifetime
/// re-activated on any silo reads what another wrote.
/// </summary>
internal static class AgenticTestCluster
{
    public static async Task<InProcessTestCluster> StartAsync(short silos, IJournalStore journal, Action<AgenticBuilder>? configure = null, Action<ISiloBuilder>? silo = null, Action<ISiloBuilder>? afterAgentic = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, s) =>
        {
            s.Services.AddSingleton<IJournalStore>(journal);
            silo?.Invoke(s);
            s.AddAgentic(configure);
            afterAgentic?.Invoke(s);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
