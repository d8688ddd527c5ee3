using Agentic.Runtime.Journal;
using Agentic.Runtime.Nodes;
using Agentic.Runtime.Workers;

namespace Agentic.Runtime.Lifetimes;

/// <summary>What every lifetime actor shares: journal writer, workers, node registry, clock and observers.</summary>
internal sealed class LifetimeServices(JournalWriter journal, WorkerPool workers, NodeRegistry nodes, TimeProvider time)
{
    private IJournalObserver[] _observers = [];

    public JournalWriter Journal { get; } = journal;

    public WorkerPool Workers { get; } = workers;

    public NodeRegistry Nodes { get; } = nodes;

    public TimeProvider Time { get; } = time;

    public IJournalObserver[] Observers => Volatile.Read(ref _observers);

    public void AddObserver(IJournalObserver observer)
    {
        IJournalObserver[] current, next;
        do
        {
            current = Volatile.Read(ref _observers);
            next = [.. current, observer];
        }
        while (Interlocked.CompareExchange(ref _observers, next, current) != current);
    }

    public void RemoveObserver(IJournalObserver observer)
    {
        IJournalObserver[] current, next;
        do
        {
            current = Volatile.Read(ref _observers);
            next = current.Where(o => !ReferenceEquals(o, observer)).ToArray();
        }
        while (Interlocked.CompareExchange(ref _observers, next, current) != current);
    }
}
