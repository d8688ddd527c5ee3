using System.Collections.Concurrent;

namespace Agentic.Runtime.Workers;

/// <summary>A non-blocking limit on concurrent work items: over the limit, items queue instead of holding a thread.</summary>
internal sealed class ConcurrencyGate(int limit)
{
    private readonly ConcurrentQueue<IThreadPoolWorkItem> _waiting = new();
    private int _running;

    public int Limit { get; } = limit;

    public int Running => Volatile.Read(ref _running);

    public void Submit(IThreadPoolWorkItem item)
    {
        if (Interlocked.Increment(ref _running) <= Limit)
        {
            ThreadPool.UnsafeQueueUserWorkItem(item, preferLocal: false);
            return;
        }

        Interlocked.Decrement(ref _running);
        _waiting.Enqueue(item);
        TryStartWaiting();
    }

    public void Release()
    {
        Interlocked.Decrement(ref _running);
        TryStartWaiting();
    }

    private void TryStartWaiting()
    {
        while (!_waiting.IsEmpty)
        {
            if (Interlocked.Increment(ref _running) > Limit)
            {
                Interlocked.Decrement(ref _running);
                return;
            }

            if (_waiting.TryDequeue(out var next))
            {
                ThreadPool.UnsafeQueueUserWorkItem(next, preferLocal: false);
            }
            else
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}
