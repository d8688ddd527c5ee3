using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Agentic.Server.Tests;

/// <summary>A tenant made on a server process through its admin key: an HTTP client holding the tenant's key.</summary>
internal static class ServerTenant
{
    /// <summary>Creates <paramref name="tenant"/> with a key; returns the server's URL, a client with that key, and the key.</summary>
    public static async Task<(string Url, HttpClient Client, string Key)> CreateAsync(ServerProcess server, string adminKey, string tenant = "acme")
    {
        var url = $"http://127.0.0.1:{server.HttpPort}";
        using var admin = new HttpClient { BaseAddress = new Uri(url) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        (await admin.PostAsJsonAsync("/v1/tenants", new { id = tenant })).EnsureSuccessStatusCode();
        var key = (await (await admin.PostAsJsonAsync($"/v1/tenants/{tenant}/keys", new { name = "tests" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        var client = new HttpClient { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (url, client, key);
    }
}
