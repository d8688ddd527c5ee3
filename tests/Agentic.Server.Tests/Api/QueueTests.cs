using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using static Agentic.Server.Tests.Api.ApiCalls;

namespace Agentic.Server.Tests.Api;

/// <summary>Work queues through the API: leases, heartbeats, expiry and re-offer, failures and retries, tenants apart.</summary>
public sealed class QueueTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static string Graph(string name, string queue, int leaseSeconds = 30, int attempts = 1) => $$"""
        graph: {{name}}
        version: 1.0.0
        nodes:
          - { name: work, kind: task, type: queue, config: { queue: {{queue}}, lease_seconds: {{leaseSeconds}} }, retry: { max_attempts: {{attempts}}, backoff: 10ms } }
          - { name: done, kind: plan, type: all }
        edges:
          - { from: work, to: done }
          - { from: done, to: end, kind: final }
        """;

    private static async Task<string> StartAsync(HttpClient client, string graph, object input)
    {
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/graphs", new StringContent(graph, Encoding.UTF8, "application/yaml"))).StatusCode);
        var name = graph.Split('\n')[0]["graph: ".Length..].Trim();
        var started = await client.PostAsJsonAsync("/v1/lifetimes", new { graph = name, version = "1.0.0", input });
        return (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> PollAsync(HttpClient client, string queue, int wait = 10)
    {
        var response = await client.PostAsync($"/v1/queues/{queue}/poll?wait={wait}&worker=test", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task AWorker_LeasesHeartbeatsAndCompletes_AndTheLifetimeGetsItsResult()
    {
        var (tenant, client, _) = await factory.TenantAsync();
        using var _c = client;
        var id = await StartAsync(client, Graph("queued", "q1"), new { text = "hi" });

        var lease = await PollAsync(client, "q1");
        Assert.Equal((id, "work", 1, 1, "hi"), (lease.GetProperty("lifetime_id").GetString(), lease.GetProperty("node").GetString(), lease.GetProperty("attempt").GetInt32(), lease.GetProperty("offer").GetInt32(), lease.GetProperty("input").GetProperty("text").GetString()));
        Assert.Equal(30, lease.GetProperty("config").GetProperty("lease_seconds").GetInt32());
        var leaseId = lease.GetProperty("lease_id").GetString();
        var beat = await client.PostAsync($"/v1/queues/q1/leases/{leaseId}/heartbeat", null);
        Assert.True(beat.StatusCode == HttpStatusCode.OK, await beat.Content.ReadAsStringAsync());
        Assert.Equal(1, (await client.GetFromJsonAsync<JsonElement>("/v1/queues/q1")).GetProperty("leased").GetInt32());
        var metrics = factory.Services.GetRequiredService<Agentic.Orleans.SiloMetrics>();
        Assert.Equal((0, 1), metrics.QueueDepth($"{tenant}/q1")); // the agentic.queue.depth gauge
        Assert.True(metrics.ActiveLifetimes >= 1);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/v1/queues/q1/leases/{leaseId}/complete", new { result = new { shouted = "HI" } })).StatusCode);
        Assert.Equal((0, 0), metrics.QueueDepth($"{tenant}/q1"));

        var done = await SettledAsync(client, id);
        Assert.Equal(("completed", "HI"), (done.GetProperty("phase").GetString(), done.GetProperty("result").GetProperty("shouted").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync($"/v1/queues/q1/leases/{leaseId}/complete", new { result = 1 })).StatusCode);
    }

    [Fact]
    public async Task ALeaseNotHeartbeated_IsOfferedAgainWithTheSameKey_AndTheLostLeaseCanNoLongerReport()
    {
        var (_, client, _) = await factory.TenantAsync();
        using var _c = client;
        var id = await StartAsync(client, Graph("expiring", "q2", leaseSeconds: 1), new { text = "slow" });
        var first = await PollAsync(client, "q2");
        var second = await PollAsync(client, "q2", wait: 10); // the first lease expires after 1 s; the item comes back
        Assert.Equal(first.GetProperty("execution_id").GetString(), second.GetProperty("execution_id").GetString());
        Assert.Equal(first.GetProperty("idempotency_key").GetString(), second.GetProperty("idempotency_key").GetString());
        Assert.Equal(2, second.GetProperty("offer").GetInt32());

        var late = await client.PostAsJsonAsync($"/v1/queues/q2/leases/{first.GetProperty("lease_id").GetString()}/complete", new { result = "late" });
        Assert.Equal(HttpStatusCode.NotFound, late.StatusCode);
        Assert.Contains("expired", (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/v1/queues/q2/leases/{second.GetProperty("lease_id").GetString()}/complete", new { result = "on time" })).StatusCode);
        var settled = await SettledAsync(client, id);
        Assert.True(settled.GetProperty("phase").GetString() == "completed" && settled.GetProperty("result").GetString() == "on time", settled.GetRawText());
    }

    [Fact]
    public async Task AWorkersFailure_FailsTheExecution_WhoseRetryIsOfferedAsTheNextAttempt()
    {
        var (_, client, _) = await factory.TenantAsync();
        using var _c = client;
        var id = await StartAsync(client, Graph("retried", "q3", attempts: 2), new { n = 1 });
        var first = await PollAsync(client, "q3");
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/v1/queues/q3/leases/{first.GetProperty("lease_id").GetString()}/fail", new { error = "model overloaded" })).StatusCode);
        var retry = await PollAsync(client, "q3");
        Assert.Equal(2, retry.GetProperty("attempt").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync($"/v1/queues/q3/leases/{retry.GetProperty("lease_id").GetString()}/complete", new { result = new { ok = true } })).StatusCode);
        Assert.Equal("completed", (await SettledAsync(client, id)).GetProperty("phase").GetString());

        var journal = await client.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{id}/journal");
        var failed = journal.GetProperty("records").EnumerateArray().Single(r => r.TryGetProperty("status", out var s) && s.GetString() == "failed");
        Assert.Contains("model overloaded", failed.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Queues_ArePerTenant_AndBadRequestsAreProblems()
    {
        var (_, owner, _) = await factory.TenantAsync();
        var (_, other, _) = await factory.TenantAsync();
        using var _o = owner;
        using var _x = other;
        await StartAsync(owner, Graph("mine", "shared-name"), new { secret = "s3cr3t" });
        Assert.Equal(HttpStatusCode.NoContent, (await other.PostAsync("/v1/queues/shared-name/poll?wait=1", null)).StatusCode);
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/v1/queues/shared-name")).GetProperty("waiting").GetInt32());
        Assert.Equal(1, (await owner.GetFromJsonAsync<JsonElement>("/v1/queues/shared-name")).GetProperty("waiting").GetInt32());

        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsync("/v1/queues/shared-name/poll?wait=99", null)).StatusCode);
        var lease = await PollAsync(owner, "shared-name");
        var leaseId = lease.GetProperty("lease_id").GetString();
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/v1/queues/shared-name/leases/{leaseId}/complete", new { result = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsJsonAsync($"/v1/queues/shared-name/leases/{leaseId}/complete", new { answer = 1 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsJsonAsync($"/v1/queues/shared-name/leases/{leaseId}/fail", new { error = "" })).StatusCode);
        var invalid = await owner.PostAsync("/v1/graphs", new StringContent(Graph("bad", "a/b"), Encoding.UTF8, "application/yaml"));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("config.queue", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
