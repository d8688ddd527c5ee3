using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agentic.Testing;

namespace Agentic.Server.Tests.Api;

/// <summary>The embedded server on its SQLite file: tenants, keys, published graphs and tenants' policies outlive a restart, with the journal.</summary>
public sealed class ApiRestartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-api-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task TenantsKeysGraphsPoliciesAndLifetimes_AreThereAfterARestart_AndARevokedKeyStaysRevoked()
    {
        var db = Path.Combine(_dir, "agentic.db");
        string secret, revoked, id;
        await using (var first = new SqliteApiFactory(db))
        {
            var (tenant, client, key) = await first.TenantAsync("acme");
            secret = key;
            using var admin = first.Admin();
            var second = await (await admin.PostAsJsonAsync($"/v1/tenants/{tenant}/keys", new { name = "old" })).Content.ReadFromJsonAsync<JsonElement>();
            revoked = second.GetProperty("secret").GetString()!;
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/tenants/{tenant}/keys/{second.GetProperty("id").GetString()}")).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/graphs", new StringContent(File.ReadAllText(RepoPaths.Sample("approval")), Encoding.UTF8, "application/yaml"))).StatusCode);
            var started = await (await client.PostAsJsonAsync("/v1/lifetimes", new { graph = "approval", version = "1.0.0" })).Content.ReadFromJsonAsync<JsonElement>();
            id = started.GetProperty("id").GetString()!;
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/policies", new StringContent(Cap, Encoding.UTF8, "application/yaml"))).StatusCode);
            client.Dispose();
        }

        await using var restarted = new SqliteApiFactory(db);
        using var again = restarted.As(secret);
        Assert.Equal("1.0.0", (await again.GetFromJsonAsync<JsonElement>("/v1/graphs/approval"))[0].GetProperty("version").GetString());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement lifetime;
        while ((lifetime = await again.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{id}")).GetProperty("phase").GetString() != "waiting")
        {
            Assert.True(DateTime.UtcNow < deadline, $"the lifetime is {lifetime.GetProperty("phase")} after the restart");
            await Task.Delay(50);
        }

        // The tenant's own policies were read back from the file before its lifetime ran again.
        var policies = await again.GetFromJsonAsync<JsonElement>("/v1/policies");
        Assert.Equal(Cap, policies.GetProperty("text").GetString());
        Assert.Contains(policies.GetProperty("in_force").GetProperty("policies").EnumerateArray(), p => p.GetProperty("name").GetString() == "acme/cap");

        using var old = restarted.As(revoked);
        Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("/v1/graphs/approval")).StatusCode);
        using var admin2 = restarted.Admin();
        Assert.Equal(HttpStatusCode.Conflict, (await admin2.PostAsJsonAsync("/v1/tenants", new { id = "acme" })).StatusCode);
    }

    private const string Cap = "policies:\n  - { name: cap, scope: lifetime, when: \"count() > 50\", action: pause_lifetime }\n";

    private sealed class SqliteApiFactory(string path) : ApiFactory
    {
        protected override string? JournalPath => path;
    }
}
