using Agentic.Core.Blobs;
using Agentic.Core.Execution;
using Agentic.Runtime.Journal;

namespace Agentic.Runtime.Lifetimes;

/// <summary>
/// Rebuilds a lifetime's state machine for a re-activation, off the actor: from its latest snapshot plus the records
/// after it when one fits, else by applying the whole journal. A snapshot that cannot be read or does not fit the
/// journal is ignored (counted), never trusted over the journal.
/// </summary>
internal static class LifetimeLoader
{
    public static async Task<JournalLoaded> LoadAsync(LifetimeServices services, string lifetimeId)
    {
        var store = services.Store;
        var records = new List<JournalEntry>();
        try
        {
            if (await store.ReadSnapshotAsync(lifetimeId, CancellationToken.None).ConfigureAwait(false) is { } snapshot)
            {
                if (await FromSnapshotAsync(store, snapshot, services.Offload.Store, services).ConfigureAwait(false) is { } loaded)
                {
                    Interlocked.Increment(ref services.Counters.SnapshotsUsed);
                    return loaded;
                }

                Interlocked.Increment(ref services.Counters.SnapshotsIgnored);
            }

            await foreach (var record in store.ReadAsync(lifetimeId, 1, CancellationToken.None).ConfigureAwait(false))
            {
                records.Add(record);
            }
        }
        catch (Exception ex) when (ex is not LifetimeSettingsException)
        {
            // The store could not be read (I/O, a record that does not decode): nothing is known well enough to act on.
            return JournalLoaded.Failed(new IOException($"lifetime {lifetimeId}: its journal could not be read: {ex.Message}", ex));
        }
        catch (LifetimeSettingsException ex)
        {
            return JournalLoaded.Failed(ex);
        }

        if (records.Count == 0 || records[0] is not LifetimeStartedEntry start)
        {
            return JournalLoaded.Failed(new KeyNotFoundException($"lifetime {lifetimeId} is not in the journal"));
        }

        if (CheckSettings(services, start) is { } refused)
        {
            return JournalLoaded.Failed(refused);
        }

        try
        {
            var machine = LifetimeStateMachine.FromStart(start);
            ApplyAll(machine, records, services);
            return new JournalLoaded(machine, start.RecordedAt, 0, null);
        }
        catch (Exception ex)
        {
            // Read, but not rebuildable: its stored graph is refused (e.g. a condition past this build's limits) or its
            // records contradict each other. The same every time: recovery marks it failed instead of retrying forever.
            return JournalLoaded.Failed(new LifetimeActivationException(lifetimeId, $"lifetime {lifetimeId} cannot be re-activated: {ex.Message}", records[^1].Sequence, ex));
        }
    }

    private static LifetimeSettingsException? CheckSettings(LifetimeServices services, LifetimeStartedEntry start)
    {
        var recorded = LifetimeSettings.Of(start);
        return recorded == services.Settings ? null : new LifetimeSettingsException(start.LifetimeId, recorded, services.Settings);
    }

    private static async Task<JournalLoaded?> FromSnapshotAsync(IJournalStore store, LifetimeSnapshot snapshot, IBlobReader? blobs, LifetimeServices services)
    {
        LifetimeStartedEntry? start = null;
        await foreach (var record in store.ReadAsync(snapshot.LifetimeId, 1, CancellationToken.None).ConfigureAwait(false))
        {
            start = record as LifetimeStartedEntry;
            break;
        }

        if (start is null)
        {
            return null;
        }

        if (CheckSettings(services, start) is { } refused)
        {
            throw refused;
        }

        try
        {
            var machine = LifetimeStateMachine.FromSnapshot(start, snapshot.State, null, blobs);
            if (machine.LastAppliedSequence != snapshot.Sequence)
            {
                return null;
            }

            var records = new List<JournalEntry>();
            await foreach (var record in store.ReadAsync(snapshot.LifetimeId, snapshot.Sequence + 1, CancellationToken.None).ConfigureAwait(false))
            {
                records.Add(record);
            }

            ApplyAll(machine, records, services);
            return new JournalLoaded(machine, start.RecordedAt, snapshot.Sequence, null);
        }
        catch (Exception ex) when (ex is InvalidDataException or JournalDivergenceException)
        {
            return null;
        }
    }

    private static void ApplyAll(LifetimeStateMachine machine, List<JournalEntry> records, LifetimeServices services)
    {
        var scratch = new List<ExecutionRequest>();
        foreach (var record in records)
        {
            machine.Apply(record, scratch);
            scratch.Clear();
        }

        Interlocked.Add(ref services.Counters.RecordsApplied, records.Count);
    }
}
