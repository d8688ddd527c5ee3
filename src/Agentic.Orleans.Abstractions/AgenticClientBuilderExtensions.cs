using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Agentic.Orleans;

/// <summary>Wires a cluster client (a web API, a worker, a tool) to call the Agentic grains.</summary>
public static class AgenticClientBuilderExtensions
{
    /// <summary>
    /// Registers the grain interfaces and their contracts with the client's serializer, so that a process that
    /// references only <c>Agentic.Orleans.Abstractions</c> can start, control and watch lifetimes through
    /// <see cref="IClusterClient"/> (including <see cref="IJournalGrain.TailAsync"/>, streamed over the gateway):
    /// <code>builder.UseOrleansClient(client => client.UseLocalhostClustering().AddAgenticClient());</code>
    /// </summary>
    public static IClientBuilder AddAgenticClient(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.Services.AddSerializer(serializer => serializer.AddAssembly(typeof(IAgentLifetimeGrain).Assembly));
        return client;
    }
}
