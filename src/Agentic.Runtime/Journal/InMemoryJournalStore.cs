using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Agentic.Core.Execution;

namespace Agentic.Runtime.Journal;

/// <summary>The journal in process memory (Test profile and benchmark A): same rules as the durable stores, no I/O.</summary>
public sealed class InMemoryJournalStore : ISynchronousJournalStore
{
    private readonly ConcurrentDictionary<string, LifetimeJournal> _journals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LifetimeSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TenantLedgerState> _ledgers = new(StringComparer.Ordinal);
    private readonly int? _retainFinished;
    private readonly ConcurrentQueue<string> _finished = new();
    private int _finishedCount;

    public InMemoryJournalStore()
        : this(new InMemoryJournalOptions())
    {
    }

    public InMemoryJournalStore(InMemoryJournalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.RetainFinishedLifetimes is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.RetainFinishedLifetimes, "RetainFinishedLifetimes must be 0 or more (null keeps every journal)");
        }

        _retainFinished = options.RetainFinishedLifetimes;
    }

    public string Profile => "none";

    public int LifetimeCount => _journals.Count;

    public void Append(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var journal = _journals.GetOrAdd(entry.LifetimeId, static _ => new LifetimeJournal());
        lock (journal)
        {
            journal.Add(entry);
        }

        if (_retainFinished is { } retain && entry is LifetimeEndedEntry)
        {
            Forget(entry.LifetimeId, retain);
        }
    }

    /// <summary>Keeps at most <paramref name="retain"/> finished lifetimes: the oldest finished go first.</summary>
    private void Forget(string finished, int retain)
    {
        _finished.Enqueue(finished);
        if (Interlocked.Increment(ref _finishedCount) <= retain || !_finished.TryDequeue(out var oldest))
        {
            return;
        }

        Interlocked.Decrement(ref _finishedCount);
        _journals.TryRemove(oldest, out _);
        _snapshots.TryRemove(oldest, out _);
    }

    public ValueTask AppendAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // Check the whole batch first so that a refused record leaves nothing of the batch behind.
        var pending = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in batch)
        {
            var last = pending.TryGetValue(entry.LifetimeId, out var p) ? p : LastSequence(entry.LifetimeId);
            if (entry.Sequence != last + 1)
            {
                throw LifetimeJournal.Gap(entry, last);
            }

            pending[entry.LifetimeId] = entry.Sequence;
        }

        foreach (var entry in batch)
        {
            Append(entry);
        }

        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<JournalEntry> ReadAsync(string lifetimeId, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (!_journals.TryGetValue(lifetimeId, out var journal))
        {
            yield break;
        }

        JournalEntry[] snapshot;
        lock (journal)
        {
            snapshot = journal.Entries.ToArray();
        }

        foreach (var entry in snapshot)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (entry.Sequence >= fromSequence)
            {
                yield return entry;
            }
        }
    }

    public ValueTask<IReadOnlyList<LifetimeSummary>> ListLifetimesAsync(LifetimeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var phase = query.Phase;
        var list = new List<LifetimeSummary>();
        foreach (var journal in _journals.Values)
        {
            lock (journal)
            {
                if (journal.Entries.Count == 0 || journal.Entries[0] is not LifetimeStartedEntry start)
                {
                    continue;
                }

                var end = journal.Entries[^1] as LifetimeEndedEntry;
                var p = ExecutionPhase.Running;
                foreach (var entry in journal.Entries)
                {
                    p = LifetimeProjection.PhaseAfter(entry) ?? p;
                }

                if ((phase is null || phase == p) && (query.TenantId is null || query.TenantId == start.TenantId) && (query.GraphName is null || query.GraphName == start.GraphName))
                {
                    list.Add(new LifetimeSummary(start.LifetimeId, start.TenantId, start.GraphName, start.GraphVersion, p, start.RecordedAt, end?.RecordedAt, journal.Entries[^1].Sequence, end?.Reason));
                }
            }
        }

        IReadOnlyList<LifetimeSummary> result = list
            .Where(s => query.After is null || query.After.Precedes(s))
            .OrderByDescending(s => s.StartedAt).ThenByDescending(s => s.LifetimeId, StringComparer.Ordinal)
            .Take(query.Limit).ToList();
        return ValueTask.FromResult(result);
    }

    public ValueTask<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        var list = new List<(DateTimeOffset, string)>();
        foreach (var (id, journal) in _journals)
        {
            lock (journal)
            {
                if (journal.Entries.Count > 0 && journal.Entries[^1] is not LifetimeEndedEntry)
                {
                    list.Add((journal.Entries[0].RecordedAt, id));
                }
            }
        }

        IReadOnlyList<string> result = list.OrderBy(x => x.Item1).Select(x => x.Item2).ToList();
        return ValueTask.FromResult(result);
    }

    public ValueTask<string?> FindPinnedGraphHashAsync(string graphName, string graphVersion, CancellationToken cancellationToken)
    {
        foreach (var journal in _journals.Values)
        {
            lock (journal)
            {
                if (journal.Entries.Count > 0 && journal.Entries[0] is LifetimeStartedEntry s && s.GraphName == graphName && s.GraphVersion == graphVersion)
                {
                    return ValueTask.FromResult<string?>(s.GraphHash);
                }
            }
        }

        return ValueTask.FromResult<string?>(null);
    }

    public ValueTask<LifetimeSnapshot?> ReadSnapshotAsync(string lifetimeId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_snapshots.GetValueOrDefault(lifetimeId));

    public ValueTask WriteSnapshotAsync(LifetimeSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_retainFinished is not null && !_journals.ContainsKey(snapshot.LifetimeId))
        {
            // Written behind, it can land after its lifetime finished and was forgotten: keep nothing of it.
            return ValueTask.CompletedTask;
        }

        // Snapshot writes may finish out of order: an older one never replaces a newer one.
        _snapshots.AddOrUpdate(snapshot.LifetimeId, snapshot, (_, current) => snapshot.Sequence > current.Sequence ? snapshot : current);
        return ValueTask.CompletedTask;
    }

    public ValueTask<TenantLedgerState?> ReadTenantLedgerAsync(string tenantId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_ledgers.GetValueOrDefault(tenantId));

    public ValueTask WriteTenantLedgerAsync(TenantLedgerState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        _ledgers.AddOrUpdate(state.TenantId, state, (_, current) => state.Charges >= current.Charges ? state : current);
        return ValueTask.CompletedTask;
    }

    /// <summary>Drops every snapshot (tests show that results do not depend on them).</summary>
    public void ClearSnapshots() => _snapshots.Clear();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private long LastSequence(string lifetimeId)
    {
        if (!_journals.TryGetValue(lifetimeId, out var journal))
        {
            return 0;
        }

        lock (journal)
        {
            return journal.Entries.Count == 0 ? 0 : journal.Entries[^1].Sequence;
        }
    }

    private sealed class LifetimeJournal
    {
        public List<JournalEntry> Entries { get; } = new(32);

        public void Add(JournalEntry entry)
        {
            var last = Entries.Count == 0 ? 0 : Entries[^1].Sequence;
            if (entry.Sequence != last + 1)
            {
                throw Gap(entry, last);
            }

            Entries.Add(entry);
        }

        public static JournalAppendException Gap(JournalEntry entry, long last) =>
            new($"lifetime {entry.LifetimeId}: record {entry.Sequence} refused, the journal's last record is {last} (records must be gapless and never rewritten)") { IsSequenceConflict = true };
    }
}
