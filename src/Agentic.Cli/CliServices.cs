using Agentic.Runtime.Hosting;
using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Cli;

/// <summary>The embedded runtime as the CLI uses it: built-in nodes, SQLite journal unless told to keep it in memory.</summary>
internal static class CliServices
{
    public static ServiceProvider Build(string? dbPath)
    {
        var services = new ServiceCollection().AddAgentic();
        if (dbPath is not null)
        {
            services.AddSqliteJournal(o => o.Path = dbPath);
        }

        return services.BuildServiceProvider();
    }
}
