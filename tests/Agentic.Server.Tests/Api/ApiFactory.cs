using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Agentic.Server.Tests.Api;

/// <summary>
/// The server in memory (WebApplicationFactory over its real Program: one silo on its own free ports, the in-memory
/// journal), with an admin key, and helpers to make tenants and their keys.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key";
    public const long MaxRequestBytes = 64 * 1024;

    /// <summary>The SQLite journal file to run on; null: the in-memory journal.</summary>
    protected virtual string? JournalPath => null;

    /// <summary>Settings a derived factory adds (or overrides).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> Settings => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Agentic:Journal", JournalPath is null ? "memory" : "sqlite");
        if (JournalPath is { } path)
        {
            builder.UseSetting("Agentic:JournalPath", path);
        }

        builder.UseSetting("Agentic:SiloPort", ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Agentic:GatewayPort", ServerProcess.FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Agentic:Server:AdminKey", AdminKey);
        builder.UseSetting("Agentic:Server:MaxRequestBytes", MaxRequestBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (name, value) in Settings)
        {
            builder.UseSetting(name, value);
        }
    }

    public HttpClient Admin() => As(AdminKey);

    public HttpClient As(string key)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>A new tenant and a client holding one of its keys.</summary>
    public async Task<(string Tenant, HttpClient Client, string Secret)> TenantAsync(string? id = null)
    {
        id ??= "t-" + Guid.NewGuid().ToString("N")[..10];
        using var admin = Admin();
        (await admin.PostAsJsonAsync("/v1/tenants", new { id })).EnsureSuccessStatusCode();
        var key = await (await admin.PostAsJsonAsync($"/v1/tenants/{id}/keys", new { name = "tests" })).Content.ReadFromJsonAsync<JsonElement>();
        var secret = key.GetProperty("secret").GetString()!;
        return (id, As(secret), secret);
    }
}
