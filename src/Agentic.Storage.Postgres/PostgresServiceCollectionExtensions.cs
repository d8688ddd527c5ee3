using Agentic.Runtime.Blobs;
using Agentic.Runtime.Journal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agentic.Storage.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>Uses a PostgreSQL database as the journal (reading blob references through the registered <see cref="IBlobStore"/>).</summary>
    public static IServiceCollection AddPostgresJournal(this IServiceCollection services, Action<PostgresJournalOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new PostgresJournalOptions();
        configure(options);
        services.RemoveAll<IJournalStore>();
        services.AddSingleton<IJournalStore>(sp => new PostgresJournalStore(options, sp.GetService<IBlobStore>()));
        return services;
    }
}
