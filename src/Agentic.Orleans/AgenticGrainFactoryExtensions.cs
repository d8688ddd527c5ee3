using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Orleans;

/// <summary>Starting and running lifetimes of graphs built in code, through any <see cref="IGrainFactory"/> (a silo's, or a cluster client's).</summary>
public static class AgenticGrainFactoryExtensions
{
    /// <summary>Starts a lifetime of <paramref name="graph"/> under a new id and returns its grain (publishing the graph first).</summary>
    public static async Task<IAgentLifetimeGrain> StartLifetimeAsync(this IGrainFactory grains, AgentGraph graph, object? input = null, string tenantId = "default", int? iterationCap = null)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(graph);
        var lifetime = grains.GetGrain<IAgentLifetimeGrain>(LifetimeIds.Format(Guid.CreateVersion7()));
        var payload = input is null ? null : new PayloadData(PayloadData.Json, Payload.FromObject(input).Bytes.ToArray());
        await lifetime.StartAsync(new StartLifetimeCommand(graph.CanonicalJson, tenantId, payload, iterationCap)).ConfigureAwait(false);
        return lifetime;
    }

    /// <summary>Starts a lifetime of <paramref name="graph"/> and returns it once settled: ended, paused, or waiting for input.</summary>
    public static async Task<LifetimeState> RunLifetimeAsync(this IGrainFactory grains, AgentGraph graph, object? input = null, string tenantId = "default")
    {
        var lifetime = await grains.StartLifetimeAsync(graph, input, tenantId).ConfigureAwait(false);
        return await lifetime.WhenSettledAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Activates each lifetime (recovery), in isolation and at most 64 at a time: one that cannot be re-activated never
    /// keeps the others from recovering. Returns, for each id, null or why it was not re-activated.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, Exception?>> ActivateLifetimesAsync(this IGrainFactory grains, IEnumerable<string> lifetimeIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, Exception?>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(lifetimeIds, new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken }, async (id, _) =>
        {
            try
            {
                await grains.GetGrain<IAgentLifetimeGrain>(id).ActivateAsync().ConfigureAwait(false);
                results[id] = null;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                results[id] = ex;
            }
        }).ConfigureAwait(false);
        return results;
    }
}
