namespace Agentic.Storage.Sqlite;

/// <summary>SQLite's <c>synchronous</c> setting in WAL mode, i.e. what a committed record survives.</summary>
public enum SqliteSynchronous
{
    /// <summary>WAL fsynced on every commit: survives process crash and power loss. The default.</summary>
    Full,

    /// <summary>WAL fsynced at checkpoints only: survives a process crash, may lose the last commits on power loss.</summary>
    Normal,
}
