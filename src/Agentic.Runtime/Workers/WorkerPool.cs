using System.Collections.Frozen;

namespace Agentic.Runtime.Workers;

/// <summary>Stateless workers: runs node executions on the thread pool, within per-type concurrency limits.</summary>
public sealed class WorkerPool
{
    /// <summary>Executions one worker runs back to back from one chain before handing the rest to the pool's queue.</summary>
    internal const int ChainBudget = 32;

    private readonly FrozenDictionary<string, ConcurrencyGate> _gates;
    private readonly Diagnostics.StripedCounter _inFlight = new();

    public WorkerPool(WorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (type, limit) in options.ConcurrencyLimits)
        {
            if (limit < 1)
            {
                throw new ArgumentException($"concurrency limit of node type '{type}' must be at least 1, got {limit}", nameof(options));
            }
        }

        _gates = options.ConcurrencyLimits.ToFrozenDictionary(kv => kv.Key, kv => new ConcurrencyGate(kv.Value), StringComparer.Ordinal);
    }

    /// <summary>Executions of <paramref name="type"/> running now (only tracked for limited types).</summary>
    public int Running(string type) => _gates.TryGetValue(type, out var gate) ? gate.Running : -1;

    /// <summary>Executions submitted and not yet finished (queued, gated or running); exact when none is moving.</summary>
    public int InFlight => (int)_inFlight.Value;

    internal void Finished() => _inFlight.Add(-1);

    internal void Submit(NodeRun run)
    {
        _inFlight.Add(1);
        if (_gates.Count > 0 && _gates.TryGetValue(run.Request.Node.Type, out var gate))
        {
            run.Gate = gate;
            gate.Submit(run);
        }
        else if (t_draining && t_next is null)
        {
            // Dispatched by a lifetime turn that this worker ran inline after its previous execution: run it next on
            // this thread rather than through the pool's queue (the lifetime's state is still in this core's cache).
            t_next = run;
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: true);
        }
    }

    /// <summary>
    /// Runs <paramref name="first"/>, then the execution its lifetime dispatched next from this thread, and so on: a
    /// lifetime of quick steps moves without a thread-pool hop per step. After <see cref="ChainBudget"/> steps the
    /// rest goes back to the pool's queue, so one long loop cannot keep other queued work from this thread.
    /// </summary>
    internal static void RunChain(NodeRun first)
    {
        if (t_draining)
        {
            // Not reached through the pool (a gate releasing inline, say): run just this one.
            first.Run();
            return;
        }

        t_draining = true;
        try
        {
            var run = first;
            for (var budget = ChainBudget; ; budget--)
            {
                run.Run();
                run = t_next;
                t_next = null;
                if (run is null)
                {
                    return;
                }

                if (budget == 1)
                {
                    ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: true);
                    return;
                }
            }
        }
        finally
        {
            t_draining = false;
            if (t_next is { } left)
            {
                t_next = null;
                ThreadPool.UnsafeQueueUserWorkItem(left, preferLocal: true);
            }
        }
    }

    [ThreadStatic]
    private static bool t_draining;

    [ThreadStatic]
    private static NodeRun? t_next;
}
