using Agentic.Core.Blobs;
using Agentic.Core.Execution;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Journal;

namespace Agentic.Runtime.Lifetimes;

/// <summary>
/// Rebuilds a lifetime's state machine for a re-activation, off the actor: from its latest snapshot plus the records
/// after it when one fits, else by applying the whole journal. A snapshot that cannot be read or does not fit the
/// journal is ignored (counted), never trusted over the journal.
/// </summary>
internal static partial class LifetimeLoader
{
    private const int UnrecordedAttempts = 3;

    /// <summary>
    /// The lifetime rebuilt, and, when it has executions dispatched but never recorded and charges its tenant on a
    /// durable store, the charges the tenant's ledger kept for its unrecorded attempts (to record as lost).
    /// </summary>
    public static async Task<JournalLoaded> LoadAsync(LifetimeServices services, string lifetimeId)
    {
        var loaded = await RebuildAsync(services, lifetimeId).ConfigureAwait(false);
        if (loaded.Machine is not { } machine || machine.Phase.IsTerminal() || !ChargesTenantDurably(services, machine.TenantId) ||
            !machine.HasUnrecordedDispatches)
        {
            return loaded;
        }

        var (charges, records) = await ReadUnrecordedAsync(services, machine.TenantId, lifetimeId).ConfigureAwait(false);
        return charges.Count == 0 ? loaded : loaded with { Unrecorded = charges, UnrecordedRecords = records };
    }

    /// <summary>Whether the tenant's lifetimes wait for their charges to be stored (and the ledger keeps unrecorded ones).</summary>
    public static bool ChargesTenantDurably(LifetimeServices services, string tenantId) =>
        services.Tenants is not null && services.Store is not ISynchronousJournalStore && services.Policies?.Current is { } set &&
        set.Policies.Any(p => p.Scope == Core.Guardrails.PolicyScope.Tenant && (p.Tenant is null || p.Tenant == tenantId));

    /// <summary>
    /// The charges the tenant's ledger keeps for the lifetime's unrecorded attempts and, when there are any, the
    /// lifetime's execution records (to tell a stale charge, whose record came, from a lost attempt). Empty when the
    /// ledger cannot be asked (logged): the charges stay kept for a later activation.
    /// </summary>
    public static async Task<(IReadOnlyList<UnrecordedCharge> Charges, IReadOnlyList<ExecutionEntry> Records)> ReadUnrecordedAsync(LifetimeServices services, string tenantId, string lifetimeId)
    {
        var tenants = services.Tenants!;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var charges = await tenants.Owner.UnrecordedAsync(tenantId, lifetimeId, CancellationToken.None).ConfigureAwait(false);
                if (charges.Count == 0)
                {
                    return ([], []);
                }

                var records = new List<ExecutionEntry>();
                await foreach (var record in services.Store.ReadAsync(lifetimeId, 1, CancellationToken.None).ConfigureAwait(false))
                {
                    if (record is ExecutionEntry execution)
                    {
                        records.Add(execution);
                    }
                }

                return (charges, records);
            }
            catch (Exception ex) when (attempt < UnrecordedAttempts)
            {
                LogUnrecordedRetry(tenants.Logger, lifetimeId, ex.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt)).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogUnrecordedFailed(tenants.Logger, ex, lifetimeId);
                return ([], []);
            }
        }
    }

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information, Message = "Lifetime {LifetimeId}: its tenant's unrecorded charges could not be read ({Reason}); trying again")]
    private static partial void LogUnrecordedRetry(Microsoft.Extensions.Logging.ILogger logger, string lifetimeId, string reason);

    [Microsoft.Extensions.Logging.LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning, Message = "Lifetime {LifetimeId}: its tenant's unrecorded charges could not be read; attempts lost with their host stay charged without a record for now")]
    private static partial void LogUnrecordedFailed(Microsoft.Extensions.Logging.ILogger logger, Exception error, string lifetimeId);

    private static async Task<JournalLoaded> RebuildAsync(LifetimeServices services, string lifetimeId)
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
