namespace Agentic.Orleans;

/// <summary>A tenant's last 4,096 phase changes in memory, numbered from 1 per activation, with readers waiting for the next.</summary>
[global::Orleans.Concurrency.Reentrant]
internal sealed class TenantFeedGrain(TimeProvider time) : Grain, ITenantFeedGrain
{
    private const int Kept = 4096;
    private readonly LinkedList<TenantPhaseEvent> _events = new();
    private readonly string _epoch = Guid.NewGuid().ToString("N")[..12];
    private long _last;
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private long FirstKept => _last - _events.Count + 1;

    public Task PublishAsync(TenantPhaseEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        _events.AddLast(change);
        _last++;
        if (_events.Count > Kept)
        {
            _events.RemoveFirst();
        }

        var next = _next;
        _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        next.TrySetResult();
        return Task.CompletedTask;
    }

    public async Task<TenantFeedPage> ReadAsync(string? epoch, long after, TimeSpan wait)
    {
        var from = epoch == _epoch ? Math.Max(after + 1, FirstKept) : FirstKept;
        if (from > _last && wait > TimeSpan.Zero)
        {
            await Task.WhenAny(_next.Task, Task.Delay(wait > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : wait, time));
            from = epoch == _epoch ? Math.Max(after + 1, FirstKept) : FirstKept;
        }

        return new TenantFeedPage(_epoch, from, _events.Skip((int)(from - FirstKept)).ToList());
    }
}
