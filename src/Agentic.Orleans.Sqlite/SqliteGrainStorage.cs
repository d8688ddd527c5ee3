using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace Agentic.Orleans.Sqlite;

/// <summary>
/// Orleans grain state in a SQLite file (the embedded profile's journal file): one row per grain and state name, with
/// an integer etag, so a stale writer is refused (<see cref="InconsistentStateException"/>) as with any provider. What
/// the memory provider would forget at every restart (published graphs, tenants, API keys) lives with the journal.
/// </summary>
internal sealed class SqliteGrainStorage(string path, IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly string _connection = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
    private readonly Lock _gate = new();
    private Task? _schema;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT etag, data FROM orleans_grain_state WHERE state_name = $s AND grain_id = $g";
        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        await using var reader = await command.ExecuteReaderAsync();
        if (await reader.ReadAsync())
        {
            grainState.State = serializer.Deserialize<T>(new BinaryData((byte[])reader.GetValue(1)));
            grainState.ETag = reader.GetInt64(0).ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var data = serializer.Serialize(grainState.State).ToArray();
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.Parameters.AddWithValue("$s", stateName);
        command.Parameters.AddWithValue("$g", grainId.ToString());
        command.Parameters.AddWithValue("$d", data);
        long etag;
        if (grainState.ETag is null)
        {
            command.CommandText = "INSERT INTO orleans_grain_state (state_name, grain_id, etag, data) VALUES ($s, $g, 1, $d) ON CONFLICT DO NOTHING";
            etag = 1;
        }
        else
        {
            etag = Etag(grainState.ETag, stateName, grainId) + 1;
            command.CommandText = "UPDATE orleans_grain_state SET etag = $n, data = $d WHERE state_name = $s AND grain_id = $g AND etag = $e";
            command.Parameters.AddWithValue("$e", etag - 1);
            command.Parameters.AddWithValue("$n", etag);
        }

        if (await command.ExecuteNonQueryAsync() != 1)
        {
            throw new InconsistentStateException($"grain state '{stateName}' of {grainId} was written by another activation (etag {grainState.ETag ?? "none"} is stale)");
        }

        grainState.ETag = etag.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.ETag is { } known)
        {
            await using var connection = await OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM orleans_grain_state WHERE state_name = $s AND grain_id = $g AND etag = $e";
            command.Parameters.AddWithValue("$s", stateName);
            command.Parameters.AddWithValue("$g", grainId.ToString());
            command.Parameters.AddWithValue("$e", Etag(known, stateName, grainId));
            if (await command.ExecuteNonQueryAsync() != 1)
            {
                throw new InconsistentStateException($"grain state '{stateName}' of {grainId} was written by another activation (etag {known} is stale)");
            }
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static long Etag(string etag, string stateName, GrainId grainId) =>
        long.TryParse(etag, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InconsistentStateException($"grain state '{stateName}' of {grainId} has etag '{etag}', which this storage never wrote");

    private async Task<SqliteConnection> OpenAsync()
    {
        Task schema;
        lock (_gate)
        {
            // Made once; a failed attempt (a locked or unwritable file) is tried again by the next call.
            schema = _schema is { IsFaulted: false, IsCanceled: false } made ? made : _schema = CreateSchemaAsync();
        }

        await schema;
        var connection = new SqliteConnection(_connection);
        await connection.OpenAsync();
        return connection;
    }

    private async Task CreateSchemaAsync()
    {
        await using var connection = new SqliteConnection(_connection);
        await connection.OpenAsync();
        await using var create = connection.CreateCommand();
        create.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS orleans_grain_state (
              state_name TEXT NOT NULL, grain_id TEXT NOT NULL, etag INTEGER NOT NULL, data BLOB NOT NULL,
              PRIMARY KEY (state_name, grain_id)) WITHOUT ROWID;
            """;
        await create.ExecuteNonQueryAsync();
    }
}
