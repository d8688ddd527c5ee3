using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Journal;
using Npgsql;

namespace Agentic.Storage.Postgres;

/// <summary>
/// One batch of records as three array statements: lifetimes that start in it, the compare-and-set of the others'
/// last sequence (with the phase their records move them to), and the records. A lifetime's records in a batch must
/// follow each other without a gap; its first record continues the last one stored (checked by the compare-and-set).
/// </summary>
internal sealed class AppendPlan
{
    private readonly List<Group> _groups = [];
    private readonly Dictionary<string, Group> _byLifetime = new(StringComparer.Ordinal);
    private readonly int _records;
    private readonly IReadOnlyList<JournalEntry> _batch;
    private readonly IReadOnlyList<object> _prepared;
    private NpgsqlBatchCommand? _move;
    private int _moving;

    private AppendPlan(IReadOnlyList<JournalEntry> batch, IReadOnlyList<object> prepared)
    {
        _batch = batch;
        _prepared = prepared;
        _records = batch.Count;
    }

    public static AppendPlan Of(IReadOnlyList<JournalEntry> batch, IReadOnlyList<object> prepared)
    {
        if (prepared.Count != batch.Count)
        {
            throw new ArgumentException($"{prepared.Count} prepared records for a batch of {batch.Count}", nameof(prepared));
        }

        var plan = new AppendPlan(batch, prepared);
        foreach (var entry in batch)
        {
            plan.Add(entry);
        }

        return plan;
    }

    public NpgsqlBatch Command(NpgsqlConnection connection, NpgsqlTransaction tx)
    {
        var batch = new NpgsqlBatch(connection, tx);
        var starting = _groups.Where(g => g.Start is not null).ToList();
        if (starting.Count > 0)
        {
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO lifetimes (lifetime_id, tenant_id, graph_name, graph_version, graph_hash, phase, started_at, ended_at, reason, fork_of, fork_sequence, last_seq)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[], $11::bigint[], $12::bigint[])
                """);
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.LifetimeId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.Start!.TenantId).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.Start!.GraphName).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.Start!.GraphVersion).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.Start!.GraphHash).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => (short)(g.Phase ?? ExecutionPhase.Running)).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.Start!.RecordedAt.ToUniversalTime()).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.EndedAt).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.Reason).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.Start!.ForkOf).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.Start!.ForkOf is null ? (long?)null : g.Start.ForkSequence).ToArray() });
            insert.Parameters.Add(new NpgsqlParameter { Value = starting.Select(g => g.Last).ToArray() });
            batch.BatchCommands.Add(insert);
        }

        // In lifetime order, so two writers moving the same lifetimes lock their rows in one order.
        var moving = _groups.Where(g => g.Start is null).OrderBy(g => g.LifetimeId, StringComparer.Ordinal).ToList();
        if (moving.Count > 0)
        {
            _moving = moving.Count;
            _move = new NpgsqlBatchCommand("""
                UPDATE lifetimes l
                SET last_seq = u.last,
                    phase = COALESCE(u.phase, l.phase),
                    ended_at = COALESCE(u.ended_at, l.ended_at),
                    reason = COALESCE(u.reason, l.reason)
                FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::smallint[], $5::timestamptz[], $6::text[]) AS u(lifetime_id, first, last, phase, ended_at, reason)
                WHERE l.lifetime_id = u.lifetime_id AND l.last_seq = u.first - 1
                """);
            _move.Parameters.Add(new NpgsqlParameter { Value = moving.Select(g => g.LifetimeId).ToArray() });
            _move.Parameters.Add(new NpgsqlParameter { Value = moving.Select(g => g.First).ToArray() });
            _move.Parameters.Add(new NpgsqlParameter { Value = moving.Select(g => g.Last).ToArray() });
            _move.Parameters.Add(new NpgsqlParameter { Value = moving.Select(g => g.Phase is { } p ? (short?)p : null).ToArray() });
            _move.Parameters.Add(new NpgsqlParameter { Value = moving.Select(g => g.EndedAt).ToArray() });
            _move.Parameters.Add(new NpgsqlParameter { Value = moving.Select(g => g.Reason).ToArray() });
            batch.BatchCommands.Add(_move);
        }

        var records = new NpgsqlBatchCommand("""
            INSERT INTO journal (lifetime_id, seq, kind, execution_id, phase, recorded_at, record)
            SELECT * FROM unnest($1::text[], $2::bigint[], $3::smallint[], $4::text[], $5::smallint[], $6::timestamptz[], $7::bytea[])
            """);
        var ids = new string[_records];
        var seqs = new long[_records];
        var kinds = new short[_records];
        var executions = new string?[_records];
        var phases = new short?[_records];
        var at = new DateTimeOffset[_records];
        var bytes = new byte[_records][];
        for (var i = 0; i < _records; i++)
        {
            var entry = _batch[i];
            ids[i] = entry.LifetimeId;
            seqs[i] = entry.Sequence;
            at[i] = entry.RecordedAt.ToUniversalTime();
            bytes[i] = (byte[])_prepared[i];
            (kinds[i], executions[i], phases[i]) = entry switch
            {
                ExecutionEntry e => ((short)(e.NodeKind == NodeKind.Task ? 2 : 3), e.ExecutionId, (short?)e.Phase),
                LifetimeStartedEntry => ((short)1, (string?)null, (short?)ExecutionPhase.Running),
                LifetimeEndedEntry end => ((short)4, null, (short?)end.Phase),
                _ => ((short)5, null, null),
            };
        }

        records.Parameters.Add(new NpgsqlParameter { Value = ids });
        records.Parameters.Add(new NpgsqlParameter { Value = seqs });
        records.Parameters.Add(new NpgsqlParameter { Value = kinds });
        records.Parameters.Add(new NpgsqlParameter { Value = executions });
        records.Parameters.Add(new NpgsqlParameter { Value = phases });
        records.Parameters.Add(new NpgsqlParameter { Value = at });
        records.Parameters.Add(new NpgsqlParameter { Value = bytes });
        batch.BatchCommands.Add(records);
        return batch;
    }

    /// <summary>Refuses the batch (before it commits) if a lifetime's last sequence was not where its first record continues.</summary>
    public void CheckMoved(NpgsqlBatch executed)
    {
        if (_move is not null && _move.RecordsAffected != _moving)
        {
            var names = string.Join(", ", _groups.Where(g => g.Start is null).Take(3).Select(g => $"{g.LifetimeId} from record {g.First}"));
            throw new JournalAppendException($"the journal is gapless: {_moving - _move.RecordsAffected} of {_moving} lifetime(s) did not end at the record before this batch's (another writer appended first, or a record is missing); among {names}")
            {
                IsSequenceConflict = true,
            };
        }
    }

    private void Add(JournalEntry entry)
    {
        if (_byLifetime.TryGetValue(entry.LifetimeId, out var group))
        {
            if (entry.Sequence != group.Last + 1)
            {
                throw new JournalAppendException($"the journal is gapless: lifetime {entry.LifetimeId} record {entry.Sequence} refused, the batch's previous record of it is {group.Last}") { IsSequenceConflict = true };
            }

            group.Last = entry.Sequence;
        }
        else
        {
            if (entry.Sequence < 1 || (entry.Sequence == 1) != entry is LifetimeStartedEntry)
            {
                throw new JournalAppendException($"lifetime {entry.LifetimeId} record {entry.Sequence}: record 1, and only record 1, is the lifetime's start") { IsSequenceConflict = entry.Sequence > 1 };
            }

            group = new Group(entry.LifetimeId, entry.Sequence, entry as LifetimeStartedEntry);
            _byLifetime[entry.LifetimeId] = group;
            _groups.Add(group);
        }

        if (LifetimeProjection.PhaseAfter(entry) is { } phase)
        {
            group.Phase = phase;
        }

        if (entry is LifetimeEndedEntry ended)
        {
            group.EndedAt = ended.RecordedAt.ToUniversalTime();
            group.Reason = ended.Reason;
        }
    }

    private sealed class Group(string lifetimeId, long first, LifetimeStartedEntry? start)
    {
        public string LifetimeId { get; } = lifetimeId;

        public long First { get; } = first;

        public long Last { get; set; } = first;

        public LifetimeStartedEntry? Start { get; } = start;

        public ExecutionPhase? Phase { get; set; }

        public DateTimeOffset? EndedAt { get; set; }

        public string? Reason { get; set; }
    }
}
