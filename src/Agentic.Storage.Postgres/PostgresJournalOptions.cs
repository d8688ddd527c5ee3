namespace Agentic.Storage.Postgres;

/// <summary>Where the PostgreSQL journal lives.</summary>
public sealed class PostgresJournalOptions
{
    /// <summary>An Npgsql connection string (<c>Host=…;Port=…;Username=…;Password=…;Database=…</c>).</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The schema the journal's tables live in (created if missing).</summary>
    public string Schema { get; set; } = "agentic";

    /// <summary>
    /// Connections this silo's journal opens at most (the connection string's Max Pool Size is replaced). Reads beyond
    /// it wait for a free connection rather than failing; several silos must fit under the server's max_connections.
    /// </summary>
    public int MaxConnections { get; set; } = 32;
}
