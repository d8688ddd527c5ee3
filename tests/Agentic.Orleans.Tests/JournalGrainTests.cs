using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Runtime.Journal;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Agentic.Orleans.Tests;

/// <summary>
/// Record references on the lifetimes' streams, indexed by their journal grains: the index equals the store's records,
/// also when references are dropped or repeated on the way, and the live tail resumes without loss or repetition.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xunit disposes it through IAsyncLifetime.DisposeAsync.")]
public sealed class JournalGrainTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly InMemoryJournalStore _journal = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await AgenticTestCluster.StartAsync(2, _journal);

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _journal.DisposeAsync();
    }

    private static string GraphJson(string sample) => GraphReader.Parse(File.ReadAllText(RepoPaths.Sample(sample)), sample + ".yaml").CanonicalJson;

    [Fact]
    public async Task TheIndexEqualsTheStore_AfterARun()
    {
        var id = await RunAsync("hello");

        var refs = await _cluster.Client.GetGrain<IJournalGrain>(id).ReadAsync(1, 1000);

        await AssertEqualsStore(id, refs);
    }

    [Fact]
    public async Task DroppedAndRepeatedReferences_AreRepairedFromTheStore_AndTheTailEndsWithTheEnd()
    {
        var counter = 0;
        foreach (var silo in _cluster.Silos)
        {
            // Every third reference lost on the way, every fourth delivered twice.
            _cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<ExecutionRefPublisher>().Faults = r =>
            {
                var n = Interlocked.Increment(ref counter);
                return n % 3 == 0 ? [] : n % 4 == 0 ? [r, r] : [r];
            };
        }

        try
        {
            var id = await RunAsync("hello");
            var tail = new List<ExecutionRef>();
            await foreach (var reference in _cluster.Client.GetGrain<IJournalGrain>(id).TailAsync(1).WithCancellation(new CancellationTokenSource(Patience).Token))
            {
                tail.Add(reference);
            }

            await AssertEqualsStore(id, tail);
        }
        finally
        {
            foreach (var silo in _cluster.Silos)
            {
                _cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<ExecutionRefPublisher>().Faults = null;
            }
        }
    }

    [Fact]
    public async Task ALiveTail_FollowsAParkedLifetime_AndResumesFromTheLastSequenceSeen()
    {
        var lifetime = _cluster.Client.GetGrain<IAgentLifetimeGrain>(Guid.NewGuid().ToString("N"));
        await lifetime.StartAsync(new StartLifetimeCommand(GraphJson("approval"), "acme", null, null));
        var waiting = await lifetime.WhenSettledAsync().WaitAsync(Patience);
        var journal = _cluster.Client.GetGrain<IJournalGrain>(waiting.LifetimeId);

        // A reader that saw records 1..2 and reconnects from 3 while the lifetime waits; then the input arrives.
        var tail = new List<ExecutionRef>();
        var reading = Task.Run(async () =>
        {
            await foreach (var reference in journal.TailAsync(3).WithCancellation(new CancellationTokenSource(Patience).Token))
            {
                tail.Add(reference);
            }
        });
        await Task.Delay(200);
        var given = System.Diagnostics.Stopwatch.StartNew();
        await lifetime.ProvideInputAsync(Assert.Single(waiting.Awaiting).ExecutionId, PayloadData.FromJson("""{"ok":true}"""), "ada");
        await reading.WaitAsync(Patience);
        output.WriteLine($"the tail saw the end {given.ElapsedMilliseconds} ms after the input");

        var stored = await _journal.ReadAsync(waiting.LifetimeId, 3, default).ToListAsync();
        Assert.Equal(stored.Select(r => r.Sequence), tail.Select(r => r.Sequence));
        Assert.True(tail[^1].EndsLifetime);
    }

    private async Task<string> RunAsync(string sample)
    {
        var lifetime = _cluster.Client.GetGrain<IAgentLifetimeGrain>(Guid.NewGuid().ToString("N"));
        await lifetime.StartAsync(new StartLifetimeCommand(GraphJson(sample), "acme", null, null));
        var settled = await lifetime.WhenSettledAsync().WaitAsync(Patience);
        Assert.Equal("completed", settled.Phase);
        return settled.LifetimeId;
    }

    private async Task AssertEqualsStore(string id, IReadOnlyList<ExecutionRef> refs)
    {
        var stored = await _journal.ReadAsync(id, 1, default).ToListAsync();
        Assert.Equal(stored.Select(r => r.Sequence), refs.Select(r => r.Sequence));
        Assert.Equal(
            stored.Select(r => r is ExecutionEntry e ? (e.ExecutionId, e.NodeName, e.Phase.ToWireName()) : (null, null, null)),
            refs.Select(r => r.ExecutionId is null ? ((string?)null, (string?)null, (string?)null) : (r.ExecutionId, r.Node, r.Phase)));
        Assert.Equal("ended", refs[^1].Kind);
    }
}
