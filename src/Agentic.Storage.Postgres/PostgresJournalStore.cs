using System.Runtime.CompilerServices;
using Agentic.Contracts;
using Agentic.Core.Blobs;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Journal;
using Npgsql;
using NpgsqlTypes;

namespace Agentic.Storage.Postgres;

/// <summary>
/// The journal in PostgreSQL, shared by every silo of a cluster. A batch (records of many lifetimes, as the journal
/// writer groups them) is one transaction of three statements sent in one round trip: the new lifetimes' rows, a
/// compare-and-set of the others' last sequence (a lifetime written by another silo meanwhile fails it: a sequence
/// conflict, which fences the stale writer), and the records, all as arrays. Triggers refuse UPDATE, DELETE and
/// TRUNCATE of records; the primary key refuses a second record at a sequence. Migrations run under an advisory lock,
/// so silos starting at once never race.
/// </summary>
public sealed class PostgresJournalStore : IPreparingJournalStore
{
    private static readonly string[] Migrations = ["001-journal.sql", "002-orleans.sql", "003-lifetimes-by-tenant.sql"];
    private readonly NpgsqlDataSource _data;
    private readonly IBlobReader? _blobs;

    /// <param name="options">Connection string and schema.</param>
    /// <param name="blobs">Reads results that records carry as blob references (on first use); none: such results cannot be read.</param>
    public PostgresJournalStore(PostgresJournalOptions options, IBlobReader? blobs = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _blobs = blobs;
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException ex)
        {
            throw new JournalOpenException("postgres", $"the PostgreSQL connection string is not valid: {ex.Message}", ex);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new JournalOpenException("postgres", "the PostgreSQL connection string names no Host");
        }

        if (string.IsNullOrWhiteSpace(options.Schema) || !options.Schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new JournalOpenException("postgres", $"journal schema '{options.Schema}' must be lower-case letters, digits and '_'");
        }

        if (options.MaxConnections < 1)
        {
            throw new JournalOpenException("postgres", $"MaxConnections must be at least 1, got {options.MaxConnections}");
        }

        Schema = options.Schema;
        builder.SearchPath = Schema;
        builder.MaxPoolSize = options.MaxConnections;
        Location = $"postgres://{builder.Host}:{builder.Port}/{builder.Database}?schema={Schema}";
        _data = NpgsqlDataSource.Create(builder);
        try
        {
            Migrate();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            _data.Dispose();
            throw new JournalOpenException(Location, $"PostgreSQL journal {Location} cannot be used: {ex.Message}", ex);
        }
    }

    public string Profile => "postgres";

    /// <summary>Host, port, database and schema (never the password), for messages.</summary>
    public string Location { get; }

    public string Schema { get; }

    public ValueTask AppendAsync(IReadOnlyList<JournalEntry> batch, CancellationToken cancellationToken) =>
        AppendPreparedAsync(batch, batch.Select(Prepare).ToArray(), cancellationToken);

    /// <summary>The protobuf <c>JournalRecord</c> bytes, encoded on the appending thread.</summary>
    public object Prepare(JournalEntry entry) => JournalRecordMapper.Serialize(entry);

    public async ValueTask AppendPreparedAsync(IReadOnlyList<JournalEntry> batch, IReadOnlyList<object> prepared, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(prepared);
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            var plan = AppendPlan.Of(batch, prepared);
            await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = plan.Command(connection, tx);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            plan.CheckMoved(command);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or JournalAppendException or InvalidOperationException or TimeoutException)
        {
            var first = batch[0];
            throw new JournalAppendException($"PostgreSQL journal {Location} refused a batch of {batch.Count} record(s) (first: lifetime {first.LifetimeId} record {first.Sequence}): {ex.Message}", ex)
            {
                // 23505: the primary key refusing a second record (or lifetime) at a sequence another writer used.
                IsSequenceConflict = ex is JournalAppendException { IsSequenceConflict: true } or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation },
            };
        }
    }

    public async IAsyncEnumerable<JournalEntry> ReadAsync(string lifetimeId, long fromSequence, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT record FROM journal WHERE lifetime_id = $1 AND seq >= $2 ORDER BY seq");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lifetimeId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromSequence });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return JournalRecordMapper.Deserialize(reader.GetFieldValue<byte[]>(0), _blobs);
        }
    }

    public async ValueTask<IReadOnlyList<LifetimeSummary>> ListLifetimesAsync(LifetimeQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var command = _data.CreateCommand("""
            SELECT lifetime_id, tenant_id, graph_name, graph_version, phase, started_at, ended_at, last_seq, reason
            FROM lifetimes
            WHERE ($1::smallint IS NULL OR phase = $1) AND ($2::text IS NULL OR tenant_id = $2) AND ($3::text IS NULL OR graph_name = $3)
              AND ($4::timestamptz IS NULL OR (started_at, lifetime_id COLLATE "C") < ($4, $5::text COLLATE "C"))
            ORDER BY started_at DESC, lifetime_id COLLATE "C" DESC
            LIMIT $6
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = query.Phase is null ? DBNull.Value : (short)query.Phase.Value, NpgsqlDbType = NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.TenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.GraphName ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = query.After is null ? DBNull.Value : query.After.StartedAt, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)query.After?.LifetimeId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = query.Limit });
        var list = new List<LifetimeSummary>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new LifetimeSummary(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                (ExecutionPhase)reader.GetInt16(4),
                reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
                reader.GetInt64(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }

        return list;
    }

    public async ValueTask<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT lifetime_id FROM lifetimes WHERE phase <> ALL($1) ORDER BY started_at");
        command.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = [(short)ExecutionPhase.Completed, (short)ExecutionPhase.Failed, (short)ExecutionPhase.Cancelled, (short)ExecutionPhase.Aborted] });
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
        await using var command = _data.CreateCommand("SELECT graph_hash FROM lifetimes WHERE graph_name = $1 AND graph_version = $2 LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = graphName });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = graphVersion });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    public async ValueTask<LifetimeSnapshot?> ReadSnapshotAsync(string lifetimeId, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT seq, state FROM snapshots WHERE lifetime_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = lifetimeId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new LifetimeSnapshot(lifetimeId, reader.GetInt64(0), reader.GetFieldValue<byte[]>(1))
            : null;
    }

    public async ValueTask WriteSnapshotAsync(LifetimeSnapshot snapshot, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await using var command = _data.CreateCommand("INSERT INTO snapshots (lifetime_id, seq, state) VALUES ($1, $2, $3) ON CONFLICT (lifetime_id) DO UPDATE SET seq = excluded.seq, state = excluded.state WHERE excluded.seq > snapshots.seq");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = snapshot.LifetimeId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = snapshot.Sequence });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = snapshot.State.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<TenantLedgerState?> ReadTenantLedgerAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var command = _data.CreateCommand("SELECT charges, state FROM tenant_ledgers WHERE tenant_id = $1");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new TenantLedgerState(tenantId, reader.GetInt64(0), reader.GetFieldValue<byte[]>(1))
            : null;
    }

    public async ValueTask WriteTenantLedgerAsync(TenantLedgerState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var command = _data.CreateCommand("INSERT INTO tenant_ledgers (tenant_id, charges, state, updated_at) VALUES ($1, $2, $3, now()) ON CONFLICT (tenant_id) DO UPDATE SET charges = excluded.charges, state = excluded.state, updated_at = excluded.updated_at WHERE excluded.charges >= tenant_ledgers.charges");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = state.TenantId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = state.Charges });
        command.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = state.State.ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync() => _data.DisposeAsync();

    /// <summary>
    /// Brings the schema to the newest migration in one transaction under an advisory lock: silos starting at once
    /// queue on the lock, the first migrates, the others find it done. A schema newer than this build is refused.
    /// </summary>
    private void Migrate()
    {
        using var connection = _data.OpenConnection();
        using var tx = connection.BeginTransaction();
        Execute(connection, tx, $"SELECT pg_advisory_xact_lock(hashtext('agentic.migrations'))");
        Execute(connection, tx, $"CREATE SCHEMA IF NOT EXISTS {Schema}");
        Execute(connection, tx, "CREATE TABLE IF NOT EXISTS agentic_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        int current;
        using (var version = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM agentic_migrations", connection, tx))
        {
            current = Convert.ToInt32(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > Migrations.Length)
        {
            throw new JournalOpenException(Location, $"PostgreSQL journal {Location} has schema version {current}, newer than this build understands ({Migrations.Length}); upgrade the silos instead of downgrading the database");
        }

        for (var next = current + 1; next <= Migrations.Length; next++)
        {
            var name = Migrations[next - 1];
            using var stream = typeof(PostgresJournalStore).Assembly.GetManifestResourceStream("Agentic.Storage.Postgres.Schema." + name)
                ?? throw new InvalidOperationException($"embedded schema {name} is missing from the assembly");
            using var reader = new StreamReader(stream);
            Execute(connection, tx, reader.ReadToEnd());
            using var record = new NpgsqlCommand("INSERT INTO agentic_migrations (version, name) VALUES ($1, $2)", connection, tx);
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = next });
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = name });
            record.ExecuteNonQuery();
        }

        tx.Commit();
    }

    private static void Execute(NpgsqlConnection connection, NpgsqlTransaction tx, string sql)
    {
        using var command = new NpgsqlCommand(sql, connection, tx);
        command.ExecuteNonQuery();
    }
}
