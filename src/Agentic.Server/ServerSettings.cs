namespace Agentic.Server;

/// <summary>
/// The silo host's settings, from standard .NET configuration (appsettings.json, <c>Agentic__…</c> environment
/// variables, command-line <c>--Agentic:…</c>); every one is listed in README ("Run a silo").
/// </summary>
public sealed class ServerSettings
{
    public const string Section = "Agentic";

    /// <summary><c>sqlite</c> (one machine, the default), <c>postgres</c> (a cluster) or <c>memory</c>.</summary>
    public string Journal { get; set; } = "sqlite";

    /// <summary>The SQLite journal file (journal <c>sqlite</c>).</summary>
    public string JournalPath { get; set; } = ".agentic/agentic.db";

    /// <summary>The PostgreSQL schema of journal, membership and grain state (journal <c>postgres</c>; the connection string is <c>ConnectionStrings:Agentic</c>).</summary>
    public string Schema { get; set; } = "agentic";

    /// <summary>The cluster's id: silos with the same id (and database) form one cluster.</summary>
    public string ClusterId { get; set; } = "agentic";

    /// <summary>The service's id: stable across deployments (grain state is keyed by it).</summary>
    public string ServiceId { get; set; } = "agentic";

    /// <summary>The address other silos and clients reach this silo at.</summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>The port silos talk to each other on.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port cluster clients (web APIs) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Guardrail policies: a YAML file or a folder of them (reloaded on change); none: no policies.</summary>
    public string? Policies { get; set; }

    /// <summary>Where large payloads go (content-addressed files); default: <c>blobs</c> beside the SQLite journal, or none.</summary>
    public string? Blobs { get; set; }

    /// <summary>How long a stop (SIGTERM) may take: in-flight work is handed back and the journal flushed within it.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
