using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Agentic.Orleans.Sqlite;

/// <summary>The embedded profile on one SQLite file: the journal and the Agentic grains' state.</summary>
public static class AgenticSqliteSiloBuilderExtensions
{
    /// <summary>
    /// The journal (<see cref="SqliteServiceCollectionExtensions.AddSqliteJournal"/>) and grain storage
    /// <c>agentic</c> (published graphs, tenants, API keys) in the SQLite file at <paramref name="path"/>. Call before
    /// <c>AddAgentic</c>, which otherwise keeps that state in memory.
    /// </summary>
    public static ISiloBuilder UseAgenticSqlite(this ISiloBuilder silo, string path)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        silo.Services.AddSqliteJournal(o => o.Path = full);
        silo.Services.AddKeyedSingleton<IGrainStorage>(AgenticSiloBuilderExtensions.StorageName, (sp, _) => new SqliteGrainStorage(full, sp.GetRequiredService<IGrainStorageSerializer>()));
        return silo;
    }
}
