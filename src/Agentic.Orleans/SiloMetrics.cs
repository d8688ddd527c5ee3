using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Agentic.Runtime.Diagnostics;

namespace Agentic.Orleans;

/// <summary>
/// The silo's gauges on the <c>Agentic</c> meter: lifetimes active here (activations, running or parked) and the depth
/// of the work queues held here, by tenant, queue and state (waiting for a worker, leased).
/// </summary>
public sealed class SiloMetrics : IDisposable
{
    private readonly Meter _meter = new(AgenticTelemetry.MeterName);
    private readonly ConcurrentDictionary<string, (int Waiting, int Leased)> _queues = new(StringComparer.Ordinal);
    private int _lifetimes;

    public SiloMetrics()
    {
        _meter.CreateObservableUpDownCounter("agentic.lifetimes.active", () => Volatile.Read(ref _lifetimes), "{lifetime}", "Lifetimes active on this silo (activations, running or waiting)");
        _meter.CreateObservableGauge("agentic.queue.depth", ObserveQueues, "{item}", "Items of the work queues held on this silo, by tenant, queue and state (waiting, leased)");
    }

    public int ActiveLifetimes => Volatile.Read(ref _lifetimes);

    public void LifetimeActivated() => Interlocked.Increment(ref _lifetimes);

    public void LifetimeDeactivated() => Interlocked.Decrement(ref _lifetimes);

    /// <summary>The queue <paramref name="key"/> (<see cref="WorkQueueKey"/>) now holds this many items waiting and leased; null: not held here any more.</summary>
    public void Queue(string key, (int Waiting, int Leased)? depth)
    {
        if (depth is { } d)
        {
            _queues[key] = d;
        }
        else
        {
            _queues.TryRemove(key, out _);
        }
    }

    public (int Waiting, int Leased)? QueueDepth(string key) => _queues.TryGetValue(key, out var d) ? d : null;

    public void Dispose() => _meter.Dispose();

    private IEnumerable<Measurement<int>> ObserveQueues()
    {
        foreach (var (key, depth) in _queues)
        {
            var slash = key.IndexOf('/', StringComparison.Ordinal);
            var tenant = new KeyValuePair<string, object?>("agentic.tenant", key[..slash]);
            var queue = new KeyValuePair<string, object?>("agentic.queue", key[(slash + 1)..]);
            yield return new Measurement<int>(depth.Waiting, tenant, queue, new KeyValuePair<string, object?>("agentic.state", "waiting"));
            yield return new Measurement<int>(depth.Leased, tenant, queue, new KeyValuePair<string, object?>("agentic.state", "leased"));
        }
    }
}
