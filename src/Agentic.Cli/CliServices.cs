using Agentic.Models.OpenAI;
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
    /// <param name="pricesPath">Model prices for the <c>llm</c> task's cost (YAML).</param>
    public static ServiceProvider Build(string? dbPath, string? policiesPath = null, string? pricesPath = null)
    {
        var services = new ServiceCollection().AddAgentic(b => Configure(b, policiesPath, pricesPath));
        if (dbPath is not null)
        {
            services.AddLocalBlobStore(BlobRootFor(dbPath));
            services.AddSqliteJournal(o => o.Path = dbPath);
        }

        return services.BuildServiceProvider();
    }

    /// <summary>Policies, prices and the OpenAI provider (when a key is set), for the embedded runtime and the silo alike.</summary>
    public static void Configure(AgenticBuilder b, string? policiesPath, string? pricesPath)
    {
        ArgumentNullException.ThrowIfNull(b);
        if (policiesPath is not null)
        {
            b.AddPolicies(policiesPath);
        }

        if (pricesPath is not null)
        {
            b.AddModelPrices(File.Exists(pricesPath) ? pricesPath : throw new FileNotFoundException($"price file '{pricesPath}' does not exist", pricesPath));
        }

        // provider: openai, when a key is set (any OpenAI-compatible endpoint through OPENAI_BASE_URL).
        if (Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } key)
        {
            var endpoint = Environment.GetEnvironmentVariable("OPENAI_BASE_URL") is { Length: > 0 } url
                ? Uri.TryCreate(url, UriKind.Absolute, out var u) ? u : throw new CliInputException($"OPENAI_BASE_URL '{url}' is not an absolute URL")
                : null;
            b.AddOpenAIChatClient(key, endpoint);
        }
    }

    public static string BlobRootFor(string dbPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dbPath))!, "blobs");
}
