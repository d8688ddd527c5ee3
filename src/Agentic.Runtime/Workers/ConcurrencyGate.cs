using System.Collections.Concurrent;

namespace Agentic.Runtime.Workers;

/// <summary>A non-blocking limit on concurrent executions of one type: over the limit, they queue instead of holding a thread.</summary>
internal sealed class ConcurrencyGate(int limit, IExecutionDispatcher executor)
{
    private readonly ConcurrentQueue<NodeRun> _waiting = new();
    private int _running;

    public int Limit { get; } = limit;

    public int Running => Volatile.Read(ref _running);

    public void Submit(NodeRun run)
    {
        if (Interlocked.Increment(ref _running) <= Limit)
        {
            executor.Dispatch(run);
            return;
        }

        Interlocked.Decrement(ref _running);
        _waiting.Enqueue(run);
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
                executor.Dispatch(next);
            }
            else
            {
                Interlocked.Decrement(ref _running);
            }
        }
    }
}
