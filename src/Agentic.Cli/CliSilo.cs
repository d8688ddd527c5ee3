using System.Net;
using System.Net.Sockets;
using Agentic.Core.Execution;
using Agentic.Models.OpenAI;
using Agentic.Orleans;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Storage.Blobs;
using Agentic.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Agentic.Cli;

/// <summary>
/// The one in-process Orleans silo the commands that run lifetimes use (localhost clustering on free ports, the
/// SQLite journal, memory streams). The journal is opened before the silo starts, so an unusable file is refused
/// before anything runs; the silo never recovers other lifetimes of the journal on its own.
/// </summary>
internal sealed class CliSilo : IAsyncDisposable
{
    private readonly IHost _host;

    private CliSilo(IHost host)
    {
        _host = host;
        Grains = host.Services.GetRequiredService<IGrainFactory>();
        Journal = host.Services.GetRequiredService<IJournalStore>();
    }

    public IGrainFactory Grains { get; }

    /// <summary>The silo's services (the policy source whose reloads the CLI reports, …).</summary>
    public IServiceProvider Services => _host.Services;

    public IJournalStore Journal { get; }

    /// <param name="dbPath">The journal; null keeps it in memory.</param>
    /// <param name="settings">The policies and prices to run under (a resumed lifetime's own).</param>
    /// <param name="observer">Sees every durable record (live progress).</param>
    public static async Task<CliSilo> StartAsync(string? dbPath, LifetimeSettings settings, IJournalObserver? observer = null)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        if (dbPath is not null)
        {
            builder.Services.AddLocalBlobStore(CliServices.BlobRootFor(dbPath));
            builder.Services.AddSqliteJournal(o => o.Path = dbPath);
        }

        if (observer is not null)
        {
            builder.Services.AddSingleton(observer);
        }

        builder.Services.Configure<AgenticSiloOptions>(o => o.RecoverOnStart = false);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreePort(), gatewayPort: FreePort(), serviceId: "agentic-cli", clusterId: "agentic-cli-" + Environment.ProcessId)
            .AddAgentic(b => CliServices.Configure(b, settings.Policies, settings.Prices)));
        var host = builder.Build();
        try
        {
            // Opened now: a read-only, foreign or damaged journal is refused before the silo starts.
            _ = host.Services.GetRequiredService<IJournalStore>();
            await host.StartAsync().ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new CliSilo(host);
    }

    public static string NewLifetimeId() => LifetimeIds.Format(Guid.CreateVersion7());

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().ConfigureAwait(false);
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
