using Agentic.Runtime.Hosting;
using Agentic.Storage.Blobs;
using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Cli;

/// <summary>
/// The embedded runtime as the CLI uses it: built-in nodes, SQLite journal unless told to keep it in memory, and
/// large results in a <c>blobs</c> folder next to the database.
/// </summary>
internal static class CliServices
{
    /// <param name="dbPath">The journal database; null keeps the journal in memory.</param>
    /// <param name="policiesPath">Guardrail policies to enforce (a YAML file or folder), reloaded when they change.</param>
    public static ServiceProvider Build(string? dbPath, string? policiesPath = null)
    {
        var services = new ServiceCollection().AddAgentic(b =>
        {
            if (policiesPath is not null)
            {
                b.AddPolicies(policiesPath);
            }
        });
        if (dbPath is not null)
        {
            services.AddLocalBlobStore(BlobRootFor(dbPath));
            services.AddSqliteJournal(o => o.Path = dbPath);
        }

        return services.BuildServiceProvider();
    }

    public static string BlobRootFor(string dbPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dbPath))!, "blobs");
}
