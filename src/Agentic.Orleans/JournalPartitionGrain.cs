using Orleans.Streams;

namespace Agentic.Orleans;

/// <summary>The consumer of one partition of the record-reference streams (see <see cref="IJournalPartitionGrain"/>).</summary>
[ImplicitStreamSubscription(ExecutionRefs.Namespace)]
internal sealed class JournalPartitionGrain : Grain, IJournalPartitionGrain
{
    private readonly HashSet<string> _watched = new(StringComparer.Ordinal);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var stream = this.GetStreamProvider(ExecutionRefs.StreamProvider).GetStream<ExecutionRefBatch>(StreamId.Create(ExecutionRefs.Namespace, this.GetPrimaryKeyString()));
        await stream.SubscribeAsync((batch, _) => ForwardAsync(batch));
    }

    public Task WatchAsync(string lifetimeId)
    {
        _watched.Add(lifetimeId);
        return Task.CompletedTask;
    }

    public Task UnwatchAsync(string lifetimeId)
    {
        _watched.Remove(lifetimeId);
        return Task.CompletedTask;
    }

    private Task ForwardAsync(ExecutionRefBatch batch)
    {
        if (_watched.Count == 0)
        {
            return Task.CompletedTask;
        }

        foreach (var lifetime in batch.Refs.Where(r => _watched.Contains(r.LifetimeId)).GroupBy(r => r.LifetimeId))
        {
            // One-way: a journal grain that is slow or gone never holds up the partition.
            _ = GrainFactory.GetGrain<IJournalFeed>(lifetime.Key).DeliverAsync([.. lifetime]);
        }

        return Task.CompletedTask;
    }
}
