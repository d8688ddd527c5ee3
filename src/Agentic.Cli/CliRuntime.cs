using Agentic.Core.Execution;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Cli;

/// <summary>
/// An existing journal database for the commands that act on stored lifetimes: the store alone for those that only
/// read it (no silo), a silo under a lifetime's own settings for those that re-activate it.
/// </summary>
internal sealed class CliRuntime : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CliRuntime(ServiceProvider services)
    {
        _services = services;
        Journal = services.GetRequiredService<IJournalStore>();
    }

    public IJournalStore Journal { get; }

    /// <summary>Rebuilds the lifetime from its journal without running any node, under its pinned graph, and reports any divergence.</summary>
    public async Task<ReplayReport> ReplayAsync(string lifetimeId, CancellationToken cancellationToken) =>
        JournalReplay.Replay(await LifetimeReplay.ReadAsync(Journal, lifetimeId, cancellationToken).ConfigureAwait(false));

    /// <summary>The journal without policies or prices: for commands that read it and activate nothing.</summary>
    public static CliRuntime Open(string dbPath)
    {
        EnsureExists(dbPath);
        return new CliRuntime(CliServices.Build(dbPath));
    }

    /// <summary>
    /// The silo under the policies and prices <paramref name="lifetimeId"/> was started with (its start record says
    /// which), for commands that re-activate it: it never runs on without its guardrails or prices.
    /// </summary>
    public static async Task<CliSilo> SiloForAsync(string dbPath, string lifetimeId, CancellationToken cancellationToken)
    {
        EnsureExists(dbPath);
        return await SiloAsync(dbPath, await SettingsOfAsync(dbPath, lifetimeId, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>A silo under <paramref name="settings"/>; refuses if its policy or price file is gone.</summary>
    public static Task<CliSilo> SiloAsync(string dbPath, LifetimeSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Policies is { } policies && !policies.StartsWith("set:", StringComparison.Ordinal) && !File.Exists(policies) && !Directory.Exists(policies))
        {
            throw new LifetimeSettingsException($"the lifetime was started under the policies in {policies}, which no longer exist; restore them to resume it (it stays as it is)");
        }

        if (settings.Policies is { } set && set.StartsWith("set:", StringComparison.Ordinal))
        {
            throw new LifetimeSettingsException($"the lifetime was started by a host with a fixed policy set ({set}); resume it in that host");
        }

        if (settings.Prices is { } prices && !File.Exists(prices))
        {
            throw new LifetimeSettingsException($"the lifetime was started with the prices in {prices}, which no longer exist; restore the file to resume it (it stays as it is)");
        }

        return CliSilo.StartAsync(dbPath, settings);
    }

    /// <summary>The settings the lifetime's start record names; one message for an unknown id in every command.</summary>
    public static async Task<LifetimeSettings> SettingsOfAsync(string dbPath, string lifetimeId, CancellationToken cancellationToken)
    {
        await using var store = new SqliteJournalStore(new SqliteJournalOptions { Path = dbPath });
        return await SettingsOfAsync(store, dbPath, lifetimeId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The settings the lifetime's start record names, read from an open store (many lifetimes, one store).</summary>
    public static async Task<LifetimeSettings> SettingsOfAsync(IJournalStore store, string dbPath, string lifetimeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await foreach (var record in store.ReadAsync(lifetimeId, 1, cancellationToken).ConfigureAwait(false))
        {
            return record is LifetimeStartedEntry start ? LifetimeSettings.Of(start) : LifetimeSettings.None;
        }

        throw NotFound(lifetimeId, dbPath);
    }

    public static KeyNotFoundException NotFound(string lifetimeId, string dbPath) =>
        new($"lifetime {lifetimeId} is not in the journal {dbPath} (agentic lifetimes lists them)");

    private static void EnsureExists(string dbPath)
    {
        if (!File.Exists(dbPath))
        {
            throw Directory.Exists(dbPath)
                ? new Runtime.Journal.JournalOpenException(dbPath, $"journal database {Path.GetFullPath(dbPath)} is a directory; pass --db a journal file")
                : new CliInputException($"journal database '{dbPath}' does not exist (pass --db)");
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
