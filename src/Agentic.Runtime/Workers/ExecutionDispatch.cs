using System.Collections.Frozen;

namespace Agentic.Runtime.Workers;

/// <summary>
/// Admits node executions within their type's concurrency limit and hands them to the host's executor. The limits are
/// the runtime's own, not a side effect of how many executor activations the host keeps.
/// </summary>
internal sealed class ExecutionDispatch
{
    private readonly FrozenDictionary<string, ConcurrencyGate> _gates;
    private readonly Diagnostics.StripedCounter _inFlight = new();

    public ExecutionDispatch(WorkerOptions options, IExecutionDispatcher executor)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(executor);
        foreach (var (type, limit) in options.ConcurrencyLimits)
        {
            if (limit < 1)
            {
                throw new ArgumentException($"concurrency limit of node type '{type}' must be at least 1, got {limit}", nameof(options));
            }
        }

        Executor = executor;
        _gates = options.ConcurrencyLimits.ToFrozenDictionary(kv => kv.Key, kv => new ConcurrencyGate(kv.Value, executor), StringComparer.Ordinal);
    }

    public IExecutionDispatcher Executor { get; }

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
        else
        {
            Executor.Dispatch(run);
        }
    }
}
