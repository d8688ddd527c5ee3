using System.Collections.Frozen;

namespace Agentic.Runtime.Workers;

/// <summary>Stateless workers: runs node executions on the thread pool, within per-type concurrency limits.</summary>
public sealed class WorkerPool
{
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
        if (_gates.TryGetValue(run.Request.Node.Type, out var gate))
        {
            run.Gate = gate;
            gate.Submit(run);
        }
        else
        {
            ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: true);
        }
    }
}
