namespace Agentic.Storage.Sqlite;

public sealed class SqliteJournalOptions
{
    /// <summary>The embedded default: <c>.agentic/agentic.db</c> under the working directory.</summary>
    public const string DefaultPath = ".agentic/agentic.db";

    public string Path { get; set; } = DefaultPath;

    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;
}
