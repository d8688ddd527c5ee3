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
    private static readonly string[] Migrations = ["001-journal.sql", "002-control-and-waits.sql", "003-tenant-ledgers.sql", "004-no-execution-index.sql", "005-lifetimes-by-tenant.sql"];
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
        if (Directory.Exists(Path))
        {
            throw new JournalOpenException(Path, $"journal database {Path} is a directory; pass --db a file path");
        }

        var dir = System.IO.Path.GetDirectoryName(Path);
        try
        {
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new JournalOpenException(Path, $"journal database {Path}: its folder cannot be created: {ex.Message}", ex);
        }

        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        _writer = new SqliteConnection(_connectionString);
        try
        {
            _writer.Open();
            // Before anything that takes a lock, so processes opening one new file at once wait instead of failing.
            Execute(_writer, "PRAGMA busy_timeout=30000;");
            // SQLite opens a file it may not write read-only without saying so; every append would then fail.
            if (SQLitePCL.raw.sqlite3_db_readonly(_writer.Handle, "main") == 1)
            {
                throw new JournalOpenException(Path, $"journal database {Path} is read-only (no write permission on the file or its folder); the runtime must write every step before it runs the next");
            }

            Execute(_writer, "PRAGMA journal_mode=WAL;");
            Execute(_writer, $"PRAGMA synchronous={(options.Synchronous == SqliteSynchronous.Full ? "FULL" : "NORMAL")};");
            // A 2 MB page cache and no memory-mapped reads: a 16 MB cache and 256 MB mmap measured no faster on workload B,
            // but cost up to 3.5 KB of resident memory per parked lifetime on workload M (mapped pages count as RSS).
            Execute(_writer, "PRAGMA cache_size=-2000;");
            Execute(_writer, "PRAGMA mmap_size=0;");
            Execute(_writer, "PRAGMA temp_store=MEMORY;");
            Migrate();
        }
        catch (SqliteException ex)
        {
            _writer.Dispose();
            throw new JournalOpenException(Path, Describe(Path, ex), ex);
        }
        catch (JournalOpenException)
        {
            _writer.Dispose();
            throw;
        }

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
                throw new JournalAppendException($"SQLite journal {Path} refused a batch of {batch.Count} record(s){(first is null ? "" : $" (first: lifetime {first.LifetimeId} record {first.Sequence})")}: {ex.Message}", ex)
                {
                    // 19: SQLITE_CONSTRAINT, the (lifetime_id, seq) index refusing a second record at a sequence.
                    IsSequenceConflict = ex is JournalAppendException { IsSequenceConflict: true } or SqliteException { SqliteErrorCode: 19 },
                };
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

    public async ValueTask<IReadOnlyList<LifetimeSummary>> ListLifetimesAsync(LifetimeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT l.lifetime_id, l.tenant_id, l.graph_name, l.graph_version, l.phase, l.started_at, l.ended_at, l.reason,
                   (SELECT MAX(seq) FROM journal j WHERE j.lifetime_id = l.lifetime_id)
            FROM lifetimes l
            WHERE ($p IS NULL OR l.phase = $p) AND ($t IS NULL OR l.tenant_id = $t) AND ($g IS NULL OR l.graph_name = $g)
              AND ($at IS NULL OR l.started_at < $at OR (l.started_at = $at AND l.lifetime_id < $aid))
            ORDER BY l.started_at DESC, l.lifetime_id DESC
            LIMIT $n
            """;
        command.Parameters.AddWithValue("$p", query.Phase is null ? DBNull.Value : (int)query.Phase.Value);
        command.Parameters.AddWithValue("$t", (object?)query.TenantId ?? DBNull.Value);
        command.Parameters.AddWithValue("$g", (object?)query.GraphName ?? DBNull.Value);
        command.Parameters.AddWithValue("$at", query.After is null ? DBNull.Value : ToMicros(query.After.StartedAt));
        command.Parameters.AddWithValue("$aid", (object?)query.After?.LifetimeId ?? DBNull.Value);
        command.Parameters.AddWithValue("$n", query.Limit);
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
            throw new JournalAppendException($"the journal is gapless: lifetime {entry.LifetimeId} record {entry.Sequence} refused, its last record is {last}") { IsSequenceConflict = true };
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

    /// <summary>
    /// Brings the schema to <see cref="SchemaVersion"/> in one IMMEDIATE transaction: the version is read under the
    /// write lock and every migration commits with its version bump or not at all, so processes opening a new file at
    /// once serialize here (the first migrates, the others find it done). A file an older build left half-migrated
    /// (its version behind the tables it holds) is repaired; a file that is not a journal is refused.
    /// </summary>
    private void Migrate()
    {
        using var tx = _writer.BeginTransaction(deferred: false);
        var current = Convert.ToInt32(Scalar("PRAGMA user_version;", tx), System.Globalization.CultureInfo.InvariantCulture);
        if (current > SchemaVersion)
        {
            throw new JournalOpenException(Path, $"{Path} has journal schema version {current}, newer than this build understands ({SchemaVersion}); upgrade agentic instead of downgrading the database");
        }

        var applied = SchemaFingerprint(tx, current);
        for (var next = applied + 1; next <= SchemaVersion; next++)
        {
            var name = Migrations[next - 1];
            using var stream = typeof(SqliteJournalStore).Assembly.GetManifestResourceStream("Agentic.Storage.Sqlite.Schema." + name)
                ?? throw new InvalidOperationException($"embedded schema {name} is missing from the assembly");
            using var reader = new StreamReader(stream);
            using var command = _writer.CreateCommand();
            command.Transaction = tx;
            command.CommandText = reader.ReadToEnd();
            command.ExecuteNonQuery();
        }

        if (applied != SchemaVersion || current != SchemaVersion)
        {
            using var bump = _writer.CreateCommand();
            bump.Transaction = tx;
            bump.CommandText = $"PRAGMA user_version = {SchemaVersion};";
            bump.ExecuteNonQuery();
        }

        tx.Commit();
    }

    /// <summary>
    /// The last migration the file's tables show applied. Builds before the migrations were serialized could re-run
    /// 001 over a migrated file (setting the version back to 1) and then fail on 002's ADD COLUMN: such a file holds
    /// fork_of (002) and tenant_ledgers (003) under version 1. Every statement but ADD COLUMN is idempotent, so
    /// continuing after the last ADD COLUMN seen repairs it (004 also drops 001's index that the re-run brought back).
    /// </summary>
    private int SchemaFingerprint(SqliteTransaction tx, int version)
    {
        var tables = new List<string>();
        using (var list = _writer.CreateCommand())
        {
            list.Transaction = tx;
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var rows = list.ExecuteReader();
            while (rows.Read())
            {
                tables.Add(rows.GetString(0));
            }
        }

        if (version == 0)
        {
            return tables.Count == 0 || tables.Contains("journal")
                ? Repaired(tx, 0)
                : throw new JournalOpenException(Path, $"{Path} is a SQLite database but not an agentic journal (it holds the tables {string.Join(", ", tables)}); pass --db a new file or an agentic journal");
        }

        if (!tables.Contains("journal") || !tables.Contains("lifetimes"))
        {
            throw new JournalOpenException(Path, $"{Path} says journal schema version {version} but has no {(tables.Contains("journal") ? "lifetimes" : "journal")} table: it is damaged; restore it from a backup (nothing was changed)");
        }

        return Repaired(tx, version);
    }

    private int Repaired(SqliteTransaction tx, int version)
    {
        var hasForkColumns = Convert.ToInt64(Scalar("SELECT COUNT(*) FROM pragma_table_info('lifetimes') WHERE name = 'fork_of'", tx), System.Globalization.CultureInfo.InvariantCulture) > 0;
        return version < 2 && hasForkColumns ? 2 : version;
    }

    private object? Scalar(string sql, SqliteTransaction tx)
    {
        using var command = _writer.CreateCommand();
        command.Transaction = tx;
        command.CommandText = sql;
        return command.ExecuteScalar();
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

    private static string Describe(string path, SqliteException ex) => ex.SqliteErrorCode switch
    {
        26 => $"journal database {path} is not a SQLite database (or is encrypted); pass --db an agentic journal or a new file",
        11 => $"journal database {path} is damaged (SQLite: {ex.Message}); restore it from a backup",
        14 => $"journal database {path} cannot be opened: {ex.Message}",
        8 => $"journal database {path} is read-only: {ex.Message}",
        5 or 6 => $"journal database {path} stayed locked by another process for 30 s: {ex.Message}",
        13 => $"journal database {path}: the disk is full: {ex.Message}",
        _ => $"journal database {path} cannot be used: {ex.Message}",
    };

    private static long ToMicros(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static DateTimeOffset FromMicros(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
}
