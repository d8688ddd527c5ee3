using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.DependencyInjection;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Journal;

/// <summary>The in-memory journal's bound on finished lifetimes.</summary>
public sealed class InMemoryRetentionTests
{
    private static readonly AgentGraph Quick = new GraphBuilder("quick").Task("t", "tag").Final("t").Build();

    // ask waits for input, so its lifetime stays unfinished.
    private static readonly AgentGraph Asking = new GraphBuilder("asking").Task("ask", "ask", o => o.Config(new { prompt = "ok?" })).Final("ask").Build();

    [Fact]
    public async Task BeyondTheBound_TheOldestFinishedLifetimesAreForgotten_AndTheNewestStayReadable()
    {
        var store = new InMemoryJournalStore(new InMemoryJournalOptions { RetainFinishedLifetimes = 2 });
        await using var t = await TestRuntime.StartAsync(store);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var (outcome, _) = await t.RunAsync(Quick);
            Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
            ids.Add(outcome.LifetimeId);
        }

        Assert.Equal(2, store.LifetimeCount);
        foreach (var gone in ids.Take(3))
        {
            Assert.Empty(await store.ReadAsync(gone, 1, default).ToListAsync());
        }

        foreach (var kept in ids.Skip(3))
        {
            Assert.IsType<LifetimeEndedEntry>((await store.ReadAsync(kept, 1, default).ToListAsync())[^1]);
        }
    }

    [Fact]
    public async Task ALifetimeStillRunning_IsNeverForgotten_EvenWithABoundOfZero()
    {
        var store = new InMemoryJournalStore(new InMemoryJournalOptions { RetainFinishedLifetimes = 0 });
        await using var t = await TestRuntime.StartAsync(store);
        var waiting = t.Runtime.Start(Asking);
        Assert.Equal(ExecutionPhase.Waiting, (await t.Runtime.WhenSettledAsync(waiting.LifetimeId)).Phase);

        var (done, _) = await t.RunAsync(Quick);

        Assert.Equal(ExecutionPhase.Completed, done.Phase);
        Assert.Empty(await store.ReadAsync(done.LifetimeId, 1, default).ToListAsync());
        Assert.Equal(1, store.LifetimeCount);
        Assert.Equal(ExecutionPhase.Waiting, (await t.Runtime.InspectAsync(waiting.LifetimeId)).Phase);
    }

    [Fact]
    public void ANegativeBound_IsRefused_WhenRegistered()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ServiceCollection().AddInMemoryJournal(o => o.RetainFinishedLifetimes = -1));

        Assert.StartsWith("RetainFinishedLifetimes must be 0 or more (null keeps every journal)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddInMemoryJournal_ReplacesARegisteredStore_AndItsBoundApplies()
    {
        var services = new ServiceCollection().AddSingleton<IJournalStore>(new InMemoryJournalStore()).AddInMemoryJournal(o => o.RetainFinishedLifetimes = 1);
        services.AddAgentic(b => b.AddTask<Nodes.TagTask>("tag"));
        await using var provider = services.BuildServiceProvider();
        await using var t = await TestRuntime.StartAsync(provider.GetRequiredService<IJournalStore>());
        var runtime = t.Runtime;

        await runtime.RunAsync(Quick);
        await runtime.RunAsync(Quick);

        Assert.Equal(1, ((InMemoryJournalStore)runtime.Journal).LifetimeCount);
    }
}
