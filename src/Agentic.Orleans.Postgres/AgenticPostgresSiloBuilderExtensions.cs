using Agentic.Runtime.Journal;
using Agentic.Storage.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Runtime;

namespace Agentic.Orleans.Postgres;

/// <summary>Puts a silo on one PostgreSQL database: the journal, Orleans membership and grain state.</summary>
public static class AgenticPostgresSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant Orleans' providers load Npgsql by.</summary>
    public const string Invariant = "Npgsql";

    /// <summary>
    /// Uses <paramref name="connectionString"/>'s database, schema <paramref name="schema"/>, for the journal
    /// (<see cref="PostgresJournalStore"/>), cluster membership (Orleans' ADO.NET clustering) and grain state (the graph
    /// registry's store and Orleans' stream subscriptions). The schema is migrated when the silo starts, under an
    /// advisory lock, before Orleans reads its queries. Call it before <c>AddAgentic</c>:
    /// <code>silo.UseAgenticPostgres(connectionString).AddAgentic(…);</code>
    /// </summary>
    public static ISiloBuilder UseAgenticPostgres(this ISiloBuilder silo, string connectionString, string schema = "agentic")
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // Orleans' providers share one pool of their own (membership heartbeats, grain state): kept small, so that a few
        // silos with their journals' pools fit under PostgreSQL's max_connections.
        var scoped = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema, MaxPoolSize = 16 }.ConnectionString;
        silo.Services.AddPostgresJournal(o =>
        {
            o.ConnectionString = connectionString;
            o.Schema = schema;
        });
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaMigration>();
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = scoped;
        });
        foreach (var storage in new[] { AgenticSiloBuilderExtensions.StorageName, "PubSubStore" })
        {
            silo.AddAdoNetGrainStorage(storage, o =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = scoped;
            });
        }

        return silo;
    }

    /// <summary>Opens the journal store first thing at start: its migrations create the tables and queries Orleans reads next.</summary>
    private sealed class SchemaMigration(IServiceProvider services) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SchemaMigration), ServiceLifecycleStage.First, _ =>
            {
                services.GetRequiredService<IJournalStore>();
                return Task.CompletedTask;
            });
    }
}
