using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Agentic.Storage.Sqlite;

/// <summary>
/// A prepared statement driven through SQLitePCL directly, for the journal's hot insert: Microsoft.Data.Sqlite's
/// per-call parameter plumbing cost more than the B-tree inserts themselves. Text is bound from stack UTF-8 spans,
/// so binding allocates nothing. Runs on the connection (and inside the transaction) it was prepared on.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private const int StackTextLimit = 256;
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the SQLite connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement), sql);
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value), "bind");

    public void BindNull(int index) => Check(raw.sqlite3_bind_null(_statement, index), "bind");

    public void Bind(int index, ReadOnlySpan<byte> blob) => Check(raw.sqlite3_bind_blob(_statement, index, blob), "bind");

    public void Bind(int index, string text)
    {
        var max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= StackTextLimit)
        {
            Span<byte> buffer = stackalloc byte[StackTextLimit];
            var length = Encoding.UTF8.GetBytes(text, buffer);
            Check(raw.sqlite3_bind_text(_statement, index, buffer[..length]), "bind");
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            var length = Encoding.UTF8.GetBytes(text, rented);
            Check(raw.sqlite3_bind_text(_statement, index, rented.AsSpan(0, length)), "bind");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Runs the statement once and resets it for the next bindings.</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        var message = rc is raw.SQLITE_DONE or raw.SQLITE_ROW ? null : raw.sqlite3_errmsg(_db).utf8_to_string();
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
        if (message is not null)
        {
            throw new SqliteException($"SQLite Error {rc}: '{message}'", rc);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc, string what)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite Error {rc} ({what}): '{raw.sqlite3_errmsg(_db).utf8_to_string()}'", rc);
        }
    }
}
