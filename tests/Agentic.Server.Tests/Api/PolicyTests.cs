using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Agentic.Server.Tests.Api.ApiCalls;

namespace Agentic.Server.Tests.Api;

/// <summary>/v1/policies: a tenant's own guardrails, stored in the cluster and enforced on its lifetimes only.</summary>
public sealed class PolicyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string Budget = """
        policies:
          - name: budget
            scope: tenant
            when: "sum(tokens_used) >= 1"
            action: abort_lifetime
        """;

    private static async Task<JsonElement> RunAsync(HttpClient client)
    {
        var started = await client.PostAsJsonAsync("/v1/lifetimes", new { graph = "asking", version = "1.0.0", input = new { n = 1 } });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        return await SettledAsync(client, (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!);
    }

    [Fact]
    public async Task ATenantsUploadedPolicies_AreEnforcedOnItsLifetimesOnly_ShownBack_AndRemovable()
    {
        var (tenant, client, _) = await factory.TenantAsync();
        var (other, otherClient, _) = await factory.TenantAsync();
        using var _c = client;
        using var _o = otherClient;
        await client.PostAsync("/v1/graphs", Yaml(AskingGraph));
        await otherClient.PostAsync("/v1/graphs", Yaml(AskingGraph));

        var put = await client.PutAsync("/v1/policies", Yaml(Budget));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var stored = await put.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"{tenant}/budget", stored.GetProperty("policies")[0].GetProperty("name").GetString());

        // The owner's lifetime is stopped by its budget, and the decision names the policy; the other tenant's runs on.
        var stopped = await RunAsync(client);
        Assert.Equal("aborted", stopped.GetProperty("phase").GetString());
        var journal = await client.GetStringAsync($"/v1/lifetimes/{stopped.GetProperty("id").GetString()}/journal");
        Assert.Contains($"{tenant}/budget", journal, StringComparison.Ordinal);
        Assert.Equal("completed", (await RunAsync(otherClient)).GetProperty("phase").GetString());

        // Shown back to its owner (text, policies, and everything in force for it); the other tenant sees none of it.
        var mine = await client.GetFromJsonAsync<JsonElement>("/v1/policies");
        Assert.Equal((Budget, stored.GetProperty("version").GetString()), (mine.GetProperty("text").GetString(), mine.GetProperty("version").GetString()));
        Assert.Contains(mine.GetProperty("in_force").GetProperty("policies").EnumerateArray(), p => p.GetProperty("name").GetString() == $"{tenant}/budget" && p.GetProperty("own").GetBoolean());
        var theirs = await otherClient.GetStringAsync("/v1/policies");
        Assert.DoesNotContain(tenant, theirs, StringComparison.Ordinal);
        Assert.DoesNotContain("budget", theirs, StringComparison.Ordinal);

        // The same file again is the same version; removed, the owner's lifetimes run unguarded again.
        Assert.Equal(stored.GetProperty("version").GetString(), (await (await client.PutAsync("/v1/policies", Yaml(Budget))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/v1/policies")).StatusCode);
        Assert.Equal("completed", (await RunAsync(client)).GetProperty("phase").GetString());
        var gone = await ProblemAsync(await client.DeleteAsync("/v1/policies"), HttpStatusCode.NotFound);
        Assert.Contains(tenant, gone.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await client.GetFromJsonAsync<JsonElement>("/v1/policies")).GetProperty("text").ValueKind);
        _ = other;
    }

    [Fact]
    public async Task AFileThatDoesNotRead_OrNamesAnotherTenant_OrIsTooLarge_IsRefusedWithWhereAndWhy_AndTheStoredOneStays()
    {
        var (tenant, client, _) = await factory.TenantAsync();
        using var _c = client;
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync("/v1/policies", Yaml(Budget))).StatusCode);

        var invalid = await ProblemAsync(await client.PutAsync("/v1/policies", Yaml("policies:\n  - { name: x, scope: planet, when: \"true\", action: abort_lifetime }\n")), HttpStatusCode.BadRequest);
        Assert.Contains($"{tenant}.yaml:2", invalid.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("planet", invalid.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var foreign = await ProblemAsync(await client.PutAsync("/v1/policies", Yaml("tenant: someone-else\npolicies:\n  - { name: x, scope: lifetime, when: \"count() > 5\", action: pause_lifetime }\n")), HttpStatusCode.BadRequest);
        Assert.Contains("AP014", foreign.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains($"{tenant}.yaml:1", foreign.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var foreignPolicy = await ProblemAsync(await client.PutAsync("/v1/policies", Yaml("policies:\n  - { name: x, tenant: someone-else, scope: lifetime, when: \"count() > 5\", action: pause_lifetime }\n")), HttpStatusCode.BadRequest);
        Assert.Contains("policy 'x' names tenant 'someone-else'", foreignPolicy.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var many = "policies:\n" + string.Concat(Enumerable.Range(0, 101).Select(i => $"  - {{ name: p{i}, scope: lifetime, when: \"count() > {i + 1000}\", action: pause_lifetime }}\n"));
        var tooMany = await ProblemAsync(await client.PutAsync("/v1/policies", Yaml(many)), HttpStatusCode.BadRequest);
        Assert.Contains("at most 100", tooMany.GetProperty("detail").GetString(), StringComparison.Ordinal);

        await ProblemAsync(await client.PutAsync("/v1/policies", new StringContent(Budget, Encoding.UTF8, "application/json")), HttpStatusCode.UnsupportedMediaType);

        // None of the refusals replaced the stored file.
        Assert.Equal(Budget, (await client.GetFromJsonAsync<JsonElement>("/v1/policies")).GetProperty("text").GetString());
    }
}
