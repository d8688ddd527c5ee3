using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agentic.Tests;

namespace Agentic.Server.Tests;

/// <summary>
/// A work-queue lease outlives the silo that handed it out: two server processes on one PostgreSQL, a worker leases
/// an item through the first, the first is killed with SIGKILL, and the worker heartbeats and completes through the
/// second; the lifetime (re-activated on the survivor if it lived on the dead one) completes with the worker's result
/// without the work being offered again.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class LeaseFailoverTests(PostgresServer postgres) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-lease-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ALeaseHandedOutByAKilledSilo_IsHeartbeatedAndCompletedThroughTheSurvivor()
    {
        var environment = new Dictionary<string, string> { ["ConnectionStrings__Agentic"] = postgres.ConnectionString };
        string[] settings = ["--Agentic:Journal=postgres", $"--Agentic:Schema=l_{Guid.NewGuid():N}"[..24], $"--Agentic:ClusterId=lease-{Guid.NewGuid():N}"[..30], "--Agentic:Server:AdminKey=lease-admin"];
        using var first = ServerProcess.Start(_dir, ServerProcess.FreePort(), ServerProcess.FreePort(), environment, settings);
        Assert.True(await first.WaitReadyAsync(TimeSpan.FromSeconds(60)), first.Output);
        using var second = ServerProcess.Start(_dir, ServerProcess.FreePort(), ServerProcess.FreePort(), environment, settings);
        Assert.True(await second.WaitReadyAsync(TimeSpan.FromSeconds(60)), second.Output);

        var (_, viaFirst, key) = await ServerTenant.CreateAsync(first, "lease-admin");
        using var _f = viaFirst;
        using var viaSecond = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{second.HttpPort}") };
        viaSecond.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        const string Graph = """
            graph: leased
            version: 1.0.0
            nodes:
              - { name: work, kind: task, type: queue, config: { queue: jobs, lease_seconds: 20 } }
              - { name: done, kind: plan, type: all }
            edges:
              - { from: work, to: done }
              - { from: done, to: end, kind: final }
            """;
        (await viaFirst.PostAsync("/v1/graphs", new StringContent(Graph, Encoding.UTF8, "application/yaml"))).EnsureSuccessStatusCode();
        var id = (await (await viaFirst.PostAsJsonAsync("/v1/lifetimes", new { graph = "leased", version = "1.0.0", input = new { n = 7 } })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        var poll = await viaFirst.PostAsync("/v1/queues/jobs/poll?wait=20&worker=w1", null);
        Assert.Equal(HttpStatusCode.OK, poll.StatusCode);
        var lease = await poll.Content.ReadFromJsonAsync<JsonElement>();
        var leaseId = lease.GetProperty("lease_id").GetString();

        first.Kill();

        // Until membership declares the first silo dead (about 1.5 s), a call may still be routed to it: retry.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        async Task<HttpResponseMessage> Retry(Func<Task<HttpResponseMessage>> call)
        {
            while (true)
            {
                var response = await call();
                // 503 with Retry-After: the cluster is changing (anything else, 500 included, is an answer).
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline)
                {
                    return response;
                }

                await Task.Delay(250);
            }
        }

        var beat = await Retry(() => viaSecond.PostAsync($"/v1/queues/jobs/leases/{leaseId}/heartbeat", null));
        Assert.True(beat.StatusCode == HttpStatusCode.OK, $"{beat.StatusCode}: {await beat.Content.ReadAsStringAsync()}\n{second.Output}");
        var done = await Retry(() => viaSecond.PostAsJsonAsync($"/v1/queues/jobs/leases/{leaseId}/complete", new { result = new { n = 7, by = "w1" } }));
        Assert.Equal(HttpStatusCode.NoContent, done.StatusCode);

        JsonElement lifetime;
        while ((lifetime = await (await Retry(() => viaSecond.GetAsync($"/v1/lifetimes/{id}"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("phase").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, $"the lifetime is {lifetime.GetProperty("phase")} a minute after the kill\n{second.Output}");
            await Task.Delay(250);
        }

        Assert.Equal("w1", lifetime.GetProperty("result").GetProperty("by").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await viaSecond.PostAsync("/v1/queues/jobs/poll?wait=1&worker=w2", null)).StatusCode);
    }
}
