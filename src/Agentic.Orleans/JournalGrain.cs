using System.Runtime.CompilerServices;
using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;

namespace Agentic.Orleans;

/// <summary>
/// A lifetime's index of record references: activated by a reader, it registers with its stream partition's consumer
/// (which then forwards the lifetime's references), reads what the store already holds, and appends each reference
/// in sequence order. A repeated reference is dropped; a gap is filled from the store before the reference after
/// it; a reader waiting at the tail looks at the store every second, so even a lost last reference (the end)
/// arrives. Reentrant: tails wait without blocking deliveries.
/// </summary>
[Reentrant]
[LifetimeLocalPlacement] // beside its lifetime's activation, where its references are published
[CollectionAgeLimit(Minutes = 2)] // an index for readers: gone soon after the last one, rebuilt from the store when needed
internal sealed class JournalGrain : Grain, IJournalGrain, IJournalFeed
{
    private static readonly TimeSpan StorePoll = TimeSpan.FromSeconds(1);

    private readonly LifetimeServices _services;
    private readonly List<ExecutionRef> _refs = [];
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JournalGrain(IServiceProvider services) => _services = services.GetRequiredService<LifetimeServices>();

    private string LifetimeId => this.GetPrimaryKeyString();

    private IJournalPartitionGrain Partition => GrainFactory.GetGrain<IJournalPartitionGrain>(ExecutionRefs.PartitionOf(LifetimeId));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Watch first, then read the store: a reference published in between arrives twice at worst (dropped).
        await Partition.WatchAsync(LifetimeId);
        await CatchUpAsync();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Partition.UnwatchAsync(LifetimeId);

    public async Task DeliverAsync(ExecutionRef[] refs)
    {
        ArgumentNullException.ThrowIfNull(refs);
        foreach (var reference in refs.OrderBy(r => r.Sequence))
        {
            await OnReferenceAsync(reference);
        }
    }

    public async Task<IReadOnlyList<ExecutionRef>> ReadAsync(long fromSequence, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await CatchUpAsync();
        return _refs.Skip((int)Math.Min(fromSequence - 1, _refs.Count)).Take(limit).ToArray();
    }

    public IAsyncEnumerable<ExecutionRef> TailAsync(long fromSequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSequence, 1);
        return Tail(fromSequence);
    }

    private async IAsyncEnumerable<ExecutionRef> Tail(long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var next = fromSequence;
        while (!cancellationToken.IsCancellationRequested)
        {
            while (next <= _refs.Count)
            {
                var reference = _refs[(int)next - 1];
                next++;
                yield return reference;
                if (reference.EndsLifetime)
                {
                    yield break;
                }
            }

            var appended = _appended.Task;
            if (await Task.WhenAny(appended, Task.Delay(StorePoll, cancellationToken)) != appended)
            {
                // Nothing came on the stream: the store never loses a record, so look there (a lost reference).
                await CatchUpAsync();
            }
        }
    }

    private async Task OnReferenceAsync(ExecutionRef reference)
    {
        if (reference.Sequence <= _refs.Count)
        {
            return; // a repeat: streams deliver at least once
        }

        if (reference.Sequence > _refs.Count + 1)
        {
            await CatchUpAsync(); // a gap: references before this one were lost
        }

        if (reference.Sequence == _refs.Count + 1)
        {
            Append(reference);
        }
    }

    /// <summary>Appends what the store holds after the last reference known.</summary>
    private async Task CatchUpAsync()
    {
        var from = _refs.Count + 1;
        await foreach (var record in _services.Store.ReadAsync(LifetimeId, from, CancellationToken.None))
        {
            if (record.Sequence == _refs.Count + 1)
            {
                Append(ExecutionRefs.Of(record));
            }
        }
    }

    private void Append(ExecutionRef reference)
    {
        _refs.Add(reference);
        var appended = _appended;
        _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        appended.TrySetResult();
    }
}
