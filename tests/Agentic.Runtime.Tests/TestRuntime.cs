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
            b.AddTask<TagTask>("tag").AddPlan<TargetPlan>("target");
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

    public async Task<(LifetimeOutcome Outcome, List<JournalEntry> Journal)> RunAsync(AgentGraph graph, StartLifetimeOptions? options = null)
    {
        var outcome = await Runtime.RunAsync(graph, options).WaitAsync(TimeSpan.FromSeconds(30));
        var journal = await Runtime.Journal.ReadAsync(outcome.LifetimeId, 1, default).ToListAsync();
        return (outcome, journal);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
