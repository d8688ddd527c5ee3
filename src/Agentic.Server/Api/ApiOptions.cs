namespace Agentic.Server.Api;

/// <summary>The web API's settings (<c>Agentic:Server</c>).</summary>
public sealed class ApiOptions
{
    public const string Section = "Agentic:Server";

    /// <summary>The key that manages tenants and their keys; unset: no admin endpoint answers (401).</summary>
    public string? AdminKey { get; set; }

    /// <summary>The largest request body accepted (413 beyond it).</summary>
    public long MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// The largest response body: a journal page ends before the record that would pass it, and a blob (or a single
    /// record) larger than it is refused with 413. Default 64 MiB.
    /// </summary>
    public long MaxResultBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How many records a journal page returns at most.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Requests per second each tenant may make on average (a token bucket per tenant; 0: no limit).</summary>
    public int RequestsPerSecond { get; set; } = 200;

    /// <summary>How many requests a tenant may make at once above the average (the bucket's size).</summary>
    public int RequestBurst { get; set; } = 400;
}
