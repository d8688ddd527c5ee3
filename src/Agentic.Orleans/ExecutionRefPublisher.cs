using System.Collections.Concurrent;
using Agentic.Core.Execution;
using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Agentic.Orleans;

/// <summary>
/// Publishes each durable record's <see cref="ExecutionRef"/>. Called on the lifetime grain's turn after the record is
/// stored, it only queues the reference; every flush window (<see cref="Window"/>) the queue goes out as one
/// <see cref="ExecutionRefBatch"/> per stream partition. The lifetime never waits for its audience, and a lost
/// reference is repaired from the store by the journal grain.
/// </summary>
internal sealed partial class ExecutionRefPublisher : IJournalObserver, IDisposable
{
    /// <summary>How long references wait to share an event: the live tail's added latency.</summary>
    internal static readonly TimeSpan Window = TimeSpan.FromMilliseconds(5);

    private readonly IServiceProvider _services;
    private readonly ILogger<ExecutionRefPublisher> _logger;
    private readonly ConcurrentQueue<ExecutionRef> _queue = new();
    private readonly Timer _flush;
    private IStreamProvider? _provider;
    private int _scheduled;

    public ExecutionRefPublisher(IServiceProvider services, ILogger<ExecutionRefPublisher> logger)
    {
        _services = services;
        _logger = logger;
        _flush = new Timer(_ => _ = FlushAsync(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>Tests only: what is sent for a reference (none drops it, two repeat it). Null: the reference itself.</summary>
    internal Func<ExecutionRef, IEnumerable<ExecutionRef>>? Faults { get; set; }

    public void OnRecorded(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var reference = ExecutionRefs.Of(entry);
        foreach (var sent in Faults?.Invoke(reference) ?? [reference])
        {
            _queue.Enqueue(sent);
        }

        if (Interlocked.Exchange(ref _scheduled, 1) == 0)
        {
            _flush.Change(Window, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose() => _flush.Dispose();

    private async Task FlushAsync()
    {
        Volatile.Write(ref _scheduled, 0);
        var taken = new List<ExecutionRef>();
        while (_queue.TryDequeue(out var reference))
        {
            taken.Add(reference);
        }

        if (taken.Count == 0)
        {
            return;
        }

        _provider ??= _services.GetRequiredKeyedService<IStreamProvider>(ExecutionRefs.StreamProvider);
        foreach (var partition in taken.GroupBy(r => ExecutionRefs.PartitionOf(r.LifetimeId)))
        {
            try
            {
                await _provider.GetStream<ExecutionRefBatch>(StreamId.Create(ExecutionRefs.Namespace, partition.Key)).OnNextAsync(new ExecutionRefBatch([.. partition])).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogSendFailed(_logger, ex, partition.Count(), partition.Key);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} record reference(s) of partition {Partition} were not published (journal grains fill them from the store)")]
    private static partial void LogSendFailed(ILogger logger, Exception error, int count, string partition);
}
