using System.Runtime.CompilerServices;
using Agentic.Contracts;
using Agentic.Core.Blobs;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Journal;
using Microsoft.Data.Sqlite;

namespace Agentic.Storage.Sqlite;

/// <summary>
/// The journal in a SQLite file in WAL mode. Appends run on one write connection with prepared statements, one
/// transaction per batch. The schema's triggers refuse UPDATE, DELETE and sequence gaps, so even a buggy or
/// hand-written statement cannot rewrite history.
/// </summary>
public sealed class SqliteJournalStore : IPreparingJournalStore
{
    private static readonly string[] Migrations = ["001-journal.sql", "002-control-and-waits.sql", "003-tenant-ledgers.sql", "004-no-execution-index.sql"];
    private static readonly int SchemaVersion = Migrations.Length;
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly RawStatement _insert;
    private readonly RawStatement _insertLifetime;
    private readonly RawStatement _endLifetime;
    private readonly RawStatement _setPhase;
    private readonly SqliteCommand _lastSequence;
    private readonly Lock _writeLock = new();

    // Last durable sequence per lifetime with records in flight; loaded from the file on first touch, dropped at the end.
    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pending = new(StringComparer.Ordinal);

    private readonly IBlobReader? _blobs;

    /// <param name="options">File and durability settings.</param>
    /// <param name="blobs">Reads results that records carry as blob references (on first use); none: such results cannot be read.</param>
    public SqliteJournalStore(SqliteJournalOptions options, IBlobReader? blobs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _blobs = blobs;
        Path = System.IO.Path.GetFullPath(options.Path);
        var dir = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, "PRAGMA journal_mode=WAL;");
        Execute(_writer, $"PRAGMA synchronous={(options.Synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL")};");
        Execute(_writer, "PRAGMA busy_timeout=30000;");
        // A 2 MB page cache and no memory-mapped reads: a 16 MB cache and 256 MB mmap measured no faster on workload B,
        // but cost up to 3.5 KB of resident memory per parked lifetime on workload M (mapped pages count as RSS).
        Execute(_writer, "PRAGMA cache_size=-2000;");
        Execute(_writer, "PRAGMA mmap_size=0;");
        Execute(_writer, "PRAGMA temp_store=MEMORY;");
        Migrate();

        _insert = new RawStatement(_writer, "INSERT INTO journal (lifetime_id, seq, kind, execution_id, phase, recorded_at, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        _insertLifetime = new RawStatement(_writer, "INSERT INTO lifetimes (lifetime_id, tenant_id, graph_name, graph_version, graph_hash, phase, started_at, fork_of, fork_sequence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        _setPhase = new RawStatement(_writer, "UPDATE lifetimes SET phase = ?1 WHERE lifetime_id = ?2");
        _lastSequence = Prepare("SELECT COALESCE(MAX(seq), 0) FROM journal WHERE lifetime_id = $l", "$l");
        _endLifetime = new RawStatement(_writer, "UPDATE lifetimes SET phase = ?1, ended_at = ?2, reason = ?3 WHERE lifetime_id = ?4");
    }

    public string Profile => "sqlite";

    public string Path { get; }

    public ValueTask AppendAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken) =>
        AppendPreparedAsync(batch, batch.Select(Prepare).ToArray(), cancellationToken);

    /// <summary>The protobuf <c>JournalRecord</c> bytes, encoded on the appending thread.</summary>
    public object Prepare(JournalEntry entry) => JournalRecordMapper.Serialize(entry);

    public ValueTask AppendPreparedAsync(IReadOnlyList<JournalEntry> batch, IReadOnlyList<object> prepared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(prepared);
        lock (_writeLock)
        {
            using var tx = _writer.BeginTransaction(deferred: false);
            _pending.Clear();
            try
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    CheckGapless(batch[i], tx);
                    Insert(batch[i], (byte[])prepared[i]);
                }

                tx.Commit();
            }
            catch (Exception ex) when (ex is SqliteException or JournalAppendException)
            {
                tx.Rollback();
                var first = batch.Count > 0 ? batch[0] : null;
                throw new JournalAppendException($"SQLite journal {Path} refused a batch of {batch.Count} record(s){(first is null ? "" : $" (first: lifetime {first.LifetimeId} record {first.Sequence})")}: {ex.Message}", ex);
            }

            foreach (var (lifetime, seq) in _pending)
            {
                _last[lifetime] = seq;
            }

            foreach (var entry in batch)
            {
                if (entry is LifetimeEndedEntry)
                {
                    _last.Remove(entry.LifetimeId);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<JournalEntry> ReadAsync(string lifetimeId, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT record FROM journal WHERE lifetime_id = $l AND seq >= $s ORDER BY seq";
        command.Parameters.AddWithValue("$l", lifetimeId);
        command.Parameters.AddWithValue("$s", fromSequence);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return JournalRecordMapper.Deserialize((byte[])reader.GetValue(0), _blobs);
        }
    }

    public async ValueTask<IReadOnlyList<LifetimeSummary>> ListLifetimesAsync(ExecutionPhase? phase, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT l.lifetime_id, l.tenant_id, l.graph_name, l.graph_version, l.phase, l.started_at, l.ended_at, l.reason,
                   (SELECT MAX(seq) FROM journal j WHERE j.lifetime_id = l.lifetime_id)
            FROM lifetimes l
            WHERE $p IS NULL OR l.phase = $p
            ORDER BY l.started_at DESC
            LIMIT $n
            """;
        command.Parameters.AddWithValue("$p", phase is null ? DBNull.Value : (int)phase.Value);
        command.Parameters.AddWithValue("$n", limit);
        var list = new List<LifetimeSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new LifetimeSummary(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                (ExecutionPhase)reader.GetInt32(4),
                FromMicros(reader.GetInt64(5)),
                reader.IsDBNull(6) ? null : FromMicros(reader.GetInt64(6)),
                reader.IsDBNull(8) ? 0 : reader.GetInt64(8),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return list;
    }

    public async ValueTask<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT lifetime_id FROM lifetimes WHERE phase NOT IN ($c, $f, $x, $a) ORDER BY started_at";
        command.Parameters.AddWithValue("$c", (int)ExecutionPhase.Completed);
        command.Parameters.AddWithValue("$f", (int)ExecutionPhase.Failed);
        command.Parameters.AddWithValue("$x", (int)ExecutionPhase.Cancelled);
        command.Parameters.AddWithValue("$a", (int)ExecutionPhase.Aborted);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public async ValueTask<string?> FindPinnedGraphHashAsync(string graphName, string graphVersion, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT graph_hash FROM lifetimes WHERE graph_name = $g AND graph_version = $v LIMIT 1";
        command.Parameters.AddWithValue("$g", graphName);
        command.Parameters.AddWithValue("$v", graphVersion);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async ValueTask<LifetimeSnapshot?> ReadSnapshotAsync(string lifetimeId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq, state FROM snapshots WHERE lifetime_id = $l";
        command.Parameters.AddWithValue("$l", lifetimeId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new LifetimeSnapshot(lifetimeId, reader.GetInt64(0), (byte[])reader.GetValue(1))
            : null;
    }

    public ValueTask WriteSnapshotAsync(LifetimeSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_writeLock)
        {
            using var command = _writer.CreateCommand();
            command.CommandText = "INSERT INTO snapshots (lifetime_id, seq, state) VALUES ($l, $s, $b) ON CONFLICT (lifetime_id) DO UPDATE SET seq = excluded.seq, state = excluded.state WHERE excluded.seq > snapshots.seq";
            command.Parameters.AddWithValue("$l", snapshot.LifetimeId);
            command.Parameters.AddWithValue("$s", snapshot.Sequence);
            command.Parameters.AddWithValue("$b", snapshot.State.ToArray());
            command.ExecuteNonQuery();
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask<TenantLedgerState?> ReadTenantLedgerAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT charges, state FROM tenant_ledgers WHERE tenant_id = $t";
        command.Parameters.AddWithValue("$t", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new TenantLedgerState(tenantId, reader.GetInt64(0), (byte[])reader.GetValue(1))
            : null;
    }

    public ValueTask WriteTenantLedgerAsync(TenantLedgerState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        lock (_writeLock)
        {
            using var command = _writer.CreateCommand();
            command.CommandText = "INSERT INTO tenant_ledgers (tenant_id, charges, state, updated_at) VALUES ($t, $c, $b, $u) ON CONFLICT (tenant_id) DO UPDATE SET charges = excluded.charges, state = excluded.state, updated_at = excluded.updated_at WHERE excluded.charges >= tenant_ledgers.charges";
            command.Parameters.AddWithValue("$t", state.TenantId);
            command.Parameters.AddWithValue("$c", state.Charges);
            command.Parameters.AddWithValue("$b", state.State.ToArray());
            command.Parameters.AddWithValue("$u", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000);
            command.ExecuteNonQuery();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        lock (_writeLock)
        {
            _insert.Dispose();
            _lastSequence.Dispose();
            _insertLifetime.Dispose();
            _endLifetime.Dispose();
            _setPhase.Dispose();
            _writer.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private void CheckGapless(JournalEntry entry, SqliteTransaction tx)
    {
        // A lifetime's first record needs no look-up: a second record 1 is refused by the (lifetime_id, seq) index.
        if (!_pending.TryGetValue(entry.LifetimeId, out var last) && !_last.TryGetValue(entry.LifetimeId, out last) && entry.Sequence != 1)
        {
            _lastSequence.Transaction = tx;
            _lastSequence.Parameters[0].Value = entry.LifetimeId;
            last = (long)_lastSequence.ExecuteScalar()!;
        }

        if (entry.Sequence != last + 1)
        {
            throw new JournalAppendException($"the journal is gapless: lifetime {entry.LifetimeId} record {entry.Sequence} refused, its last record is {last}");
        }

        _pending[entry.LifetimeId] = entry.Sequence;
    }

    private void Insert(JournalEntry entry, byte[] record)
    {
        _insert.Bind(1, entry.LifetimeId);
        _insert.Bind(2, entry.Sequence);
        _insert.Bind(6, ToMicros(entry.RecordedAt));
        _insert.Bind(7, record);
        switch (entry)
        {
            case ExecutionEntry e:
                _insert.Bind(3, e.NodeKind == NodeKind.Task ? 2 : 3);
                _insert.Bind(4, e.ExecutionId);
                _insert.Bind(5, (int)e.Phase);
                break;
            case LifetimeStartedEntry:
                _insert.Bind(3, 1);
                _insert.BindNull(4);
                _insert.Bind(5, (int)ExecutionPhase.Running);
                break;
            case LifetimeEndedEntry end:
                _insert.Bind(3, 4);
                _insert.BindNull(4);
                _insert.Bind(5, (int)end.Phase);
                break;
            case ControlEntry:
                _insert.Bind(3, 5);
                _insert.BindNull(4);
                _insert.BindNull(5);
                break;
        }

        _insert.Execute();

        if (entry is LifetimeStartedEntry s)
        {
            _insertLifetime.Bind(1, s.LifetimeId);
            _insertLifetime.Bind(2, s.TenantId);
            _insertLifetime.Bind(3, s.GraphName);
            _insertLifetime.Bind(4, s.GraphVersion);
            _insertLifetime.Bind(5, s.GraphHash);
            _insertLifetime.Bind(6, (int)ExecutionPhase.Running);
            _insertLifetime.Bind(7, ToMicros(s.RecordedAt));
            if (s.ForkOf is null)
            {
                _insertLifetime.BindNull(8);
                _insertLifetime.BindNull(9);
            }
            else
            {
                _insertLifetime.Bind(8, s.ForkOf);
                _insertLifetime.Bind(9, s.ForkSequence);
            }

            _insertLifetime.Execute();
        }
        else if (entry is LifetimeEndedEntry ended)
        {
            _endLifetime.Bind(1, (int)ended.Phase);
            _endLifetime.Bind(2, ToMicros(ended.RecordedAt));
            if (ended.Reason is null)
            {
                _endLifetime.BindNull(3);
            }
            else
            {
                _endLifetime.Bind(3, ended.Reason);
            }

            _endLifetime.Bind(4, ended.LifetimeId);
            _endLifetime.Execute();
        }
        else if (LifetimeProjection.PhaseAfter(entry) is { } phase)
        {
            _setPhase.Bind(1, (int)phase);
            _setPhase.Bind(2, entry.LifetimeId);
            _setPhase.Execute();
        }
    }

    private void Migrate()
    {
        using var version = _writer.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        var current = Convert.ToInt32(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (current > SchemaVersion)
        {
            throw new InvalidOperationException($"{Path} has journal schema version {current}, newer than this build understands ({SchemaVersion}); upgrade agentic instead of downgrading the database");
        }

        // Each migration runs in its own transaction with its version bump, so a failure leaves the last good version.
        for (var next = current + 1; next <= SchemaVersion; next++)
        {
            var name = Migrations[next - 1];
            using var stream = typeof(SqliteJournalStore).Assembly.GetManifestResourceStream("Agentic.Storage.Sqlite.Schema." + name)
                ?? throw new InvalidOperationException($"embedded schema {name} is missing from the assembly");
            using var reader = new StreamReader(stream);
            using var tx = _writer.BeginTransaction();
            using (var command = _writer.CreateCommand())
            {
                command.Transaction = tx;
                command.CommandText = reader.ReadToEnd() + $"\nPRAGMA user_version = {next};";
                command.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    private SqliteCommand Prepare(string sql, params string[] names)
    {
        var command = _writer.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
}
