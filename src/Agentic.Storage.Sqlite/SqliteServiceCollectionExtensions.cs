using Agentic.Runtime.Blobs;
using Agentic.Runtime.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agentic.Storage.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>Uses a SQLite (WAL) file as the journal instead of memory (reading blob references through the registered <see cref="IBlobStore"/>).</summary>
    public static IServiceCollection AddSqliteJournal(this IServiceCollection services, Action<SqliteJournalOptions>? configure = null)
    {
        var options = new SqliteJournalOptions();
        configure?.Invoke(options);
        services.RemoveAll<IJournalStore>();
        services.AddSingleton<IJournalStore>(sp => new SqliteJournalStore(options, sp.GetService<IBlobStore>()));
        return services;
    }
}
