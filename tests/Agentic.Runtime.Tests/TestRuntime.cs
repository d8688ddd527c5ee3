using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Tests.Nodes;
using Agentic.Tests;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Runtime.Tests;

/// <summary>
/// The runtime on a cluster of two in-process silos over the in-memory journal (or a given store), with the test node
/// types registered; the handlers a test inspects are one instance shared by both silos.
/// </summary>
internal sealed class TestRuntime : IAsyncDisposable
{
    private TestRuntime(ClusterRuntime runtime, TagTask tags, GateTask gate, AskTask ask)
    {
        Runtime = runtime;
        Tags = tags;
        Gate = gate;
        Ask = ask;
    }

    public static async Task<TestRuntime> StartAsync(IJournalStore? store = null, Action<AgenticRuntimeOptions>? configure = null, Action<AgenticBuilder>? nodes = null, short silos = 2)
    {
        TagTask tags = new();
        GateTask gate = new();
        AskTask ask = new();
        var runtime = await ClusterRuntime.StartAsync(
            store ?? new InMemoryJournalStore(),
            shared => shared.AddSingleton(tags).AddSingleton(gate).AddSingleton(ask),
            b =>
            {
                b.AddTask<TagTask>("tag").AddTask<GateTask>("gate").AddTask<AskTask>("ask").AddTask<SpendTask>("spend").AddPlan<TargetPlan>("target");
                if (configure is not null)
                {
                    b.Configure(configure);
                }

                nodes?.Invoke(b);
            },
            silos);
        return new TestRuntime(runtime, tags, gate, ask);
    }

    public ClusterRuntime Runtime { get; }

    public TagTask Tags { get; }

    public GateTask Gate { get; }

    public AskTask Ask { get; }

    /// <summary>Polls <paramref name="condition"/> (set by worker threads) until it holds, failing after 30 s.</summary>
    public static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting until " + what);
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Polls <paramref name="condition"/> (a question to the cluster) until it holds, failing after 30 s.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("timed out waiting until " + what);
            }

            await Task.Delay(50);
        }
    }

    public async Task<(LifetimeOutcome Outcome, List<JournalEntry> Journal)> RunAsync(AgentGraph graph, StartLifetimeOptions? options = null)
    {
        var outcome = await Runtime.RunAsync(graph, options).WaitAsync(TimeSpan.FromSeconds(30));
        var journal = await Runtime.Journal.ReadAsync(outcome.LifetimeId, 1, default).ToListAsync();
        return (outcome, journal);
    }

    public ValueTask DisposeAsync() => Runtime.DisposeAsync();
}
