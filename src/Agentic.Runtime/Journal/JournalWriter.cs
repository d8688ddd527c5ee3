using System.Collections.Concurrent;
using Agentic.Core.Execution;
using Microsoft.Extensions.Logging;

namespace Agentic.Runtime.Journal;

/// <summary>
/// Group commit: records of many lifetimes queue up while the previous transaction commits, and the next
/// transaction takes them all. A record's callback runs only after its transaction committed, which is what lets
/// the lifetime actors dispatch nothing before the record it depends on is durable. Per lifetime, callbacks run
/// in append order. Stores without I/O are committed inline on the caller's thread.
/// </summary>
public sealed partial class JournalWriter : IAsyncDisposable
{
    private readonly IJournalStore _store;
    private readonly ISynchronousJournalStore? _inline;
    private readonly IPreparingJournalStore? _preparing;
    private readonly ConcurrentQueue<(JournalEntry Entry, IJournalCallback Callback, object? Prepared)> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Thread? _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _signaled;
    private volatile bool _stopping;
    private readonly Diagnostics.StripedCounter _batches = new();
    private readonly Diagnostics.StripedCounter _records = new();

    public JournalWriter(IJournalStore store, int maxBatch, ILogger<JournalWriter> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _store = store;
        _maxBatch = maxBatch;
        _logger = logger;
        _inline = store as ISynchronousJournalStore;
        _preparing = store as IPreparingJournalStore;
        if (_inline is null)
        {
            _thread = new Thread(WriteLoop) { IsBackground = true, Name = "agentic-journal-writer" };
            _thread.Start();
        }
        else
        {
            _stopped.SetResult();
        }
    }

    public IJournalStore Store => _store;

    /// <summary>Transactions committed so far (inline appends count one each).</summary>
    public long Batches => _batches.Value;

    public long Records => _records.Value;

    public void Append(JournalEntry entry, IJournalCallback callback)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(callback);
        if (_stopping)
        {
            callback.OnFailed(entry, new ObjectDisposedException(nameof(JournalWriter), "the journal writer is stopped"));
            return;
        }

        if (_inline is not null)
        {
            try
            {
                _inline.Append(entry);
            }
            catch (Exception ex)
            {
                callback.OnFailed(entry, ex);
                return;
            }

            _batches.Add(1);
            _records.Add(1);
            callback.OnDurable(entry);
            return;
        }

        object? prepared;
        try
        {
            prepared = _preparing?.Prepare(entry);
        }
        catch (Exception ex)
        {
            callback.OnFailed(entry, ex);
            return;
        }

        _queue.Enqueue((entry, callback, prepared));
        if (Interlocked.Exchange(ref _signaled, 1) == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>Commits what is queued, then stops the writer thread.</summary>
    public async ValueTask DisposeAsync()
    {
        _stopping = true;
        _signal.Release();
        await _stopped.Task.ConfigureAwait(false);
        _signal.Dispose();
    }

    private void WriteLoop()
    {
        var batch = new List<(JournalEntry Entry, IJournalCallback Callback, object? Prepared)>(_maxBatch);
        var entries = new List<JournalEntry>(_maxBatch);
        var prepared = new List<object>(_maxBatch);
        try
        {
            while (true)
            {
                _signal.Wait();
                // A full fence before the queue is read: with a plain store, an appender could see the flag still set
                // (and not signal) while this loop, reading the queue early, saw it empty: its record would wait for
                // the next append, forever if none comes.
                Interlocked.Exchange(ref _signaled, 0);
                while (_queue.TryDequeue(out var item))
                {
                    batch.Add(item);
                    entries.Add(item.Entry);
                    if (item.Prepared is not null)
                    {
                        prepared.Add(item.Prepared);
                    }

                    if (batch.Count == _maxBatch || _queue.IsEmpty)
                    {
                        Commit(batch, entries, prepared);
                        batch.Clear();
                        entries.Clear();
                        prepared.Clear();
                    }
                }

                if (_stopping && _queue.IsEmpty)
                {
                    return;
                }
            }
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void Commit(List<(JournalEntry Entry, IJournalCallback Callback, object? Prepared)> batch, List<JournalEntry> entries, List<object> prepared)
    {
        try
        {
            StoreBatch(entries, prepared);
        }
        catch (Exception ex)
        {
            LogBatchFailed(_logger, ex, batch.Count);
            CommitOneByOne(batch);
            return;
        }

        _batches.Add(1);
        _records.Add(batch.Count);
        foreach (var (entry, callback, _) in batch)
        {
            Notify(callback, entry, null);
        }
    }

    private void StoreBatch(IReadOnlyList<JournalEntry> entries, IReadOnlyList<object> prepared)
    {
        var pending = _preparing is not null && prepared.Count == entries.Count
            ? _preparing.AppendPreparedAsync(entries, prepared, CancellationToken.None)
            : _store.AppendAsync(entries, CancellationToken.None);
        pending.AsTask().GetAwaiter().GetResult();
    }

    // One bad record must not fail the other lifetimes that shared its transaction: retry each alone.
    private void CommitOneByOne(List<(JournalEntry Entry, IJournalCallback Callback, object? Prepared)> batch)
    {
        var single = new JournalEntry[1];
        var singlePrepared = new object[1];
        foreach (var (entry, callback, prepared) in batch)
        {
            single[0] = entry;
            try
            {
                if (prepared is null)
                {
                    _store.AppendAsync(single, CancellationToken.None).AsTask().GetAwaiter().GetResult();
                }
                else
                {
                    singlePrepared[0] = prepared;
                    StoreBatch(single, singlePrepared);
                }

                _batches.Add(1);
                _records.Add(1);
                Notify(callback, entry, null);
            }
            catch (Exception ex)
            {
                Notify(callback, entry, ex);
            }
        }
    }

    private void Notify(IJournalCallback callback, JournalEntry entry, Exception? error)
    {
        try
        {
            if (error is null)
            {
                callback.OnDurable(entry);
            }
            else
            {
                callback.OnFailed(entry, error);
            }
        }
        catch (Exception ex)
        {
            LogCallbackFailed(_logger, ex, entry.LifetimeId, entry.Sequence);
        }
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Journal batch of {Count} records failed; committing them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception ex, int count);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "Journal callback failed for lifetime {LifetimeId} record {Sequence}")]
    private static partial void LogCallbackFailed(ILogger logger, Exception ex, string lifetimeId, long sequence);
}
