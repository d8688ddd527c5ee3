using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Tests.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Runtime.Tests;

/// <summary>An embedded runtime on the in-memory journal (or a given store) with the test node types registered.</summary>
internal sealed class TestRuntime : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public TestRuntime(IJournalStore? store = null, Action<AgenticRuntimeOptions>? configure = null, Action<AgenticBuilder>? nodes = null)
    {
        var services = new ServiceCollection();
        if (store is not null)
        {
            services.AddSingleton<IJournalStore>(store);
        }

        services.AddAgentic(b =>
        {
            b.AddTask<TagTask>("tag").AddTask<GateTask>("gate").AddTask<AskTask>("ask").AddTask<SpendTask>("spend").AddPlan<TargetPlan>("target");
            if (configure is not null)
            {
                b.Configure(configure);
            }

            nodes?.Invoke(b);
        });
        _services = services.BuildServiceProvider();
        Runtime = _services.GetRequiredService<AgenticRuntime>();
    }

    public AgenticRuntime Runtime { get; }

    public TagTask Tags => _services.GetRequiredService<TagTask>();

    public GateTask Gate => _services.GetRequiredService<GateTask>();

    public AskTask Ask => _services.GetRequiredService<AskTask>();

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

    public async Task<(LifetimeOutcome Outcome, List<JournalEntry> Journal)> RunAsync(AgentGraph graph, StartLifetimeOptions? options = null)
    {
        var outcome = await Runtime.RunAsync(graph, options).WaitAsync(TimeSpan.FromSeconds(30));
        var journal = await Runtime.Journal.ReadAsync(outcome.LifetimeId, 1, default).ToListAsync();
        return (outcome, journal);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
