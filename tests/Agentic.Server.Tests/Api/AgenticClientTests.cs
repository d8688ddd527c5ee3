using System.Net;
using System.Text.Json;
using Agentic.Client;
using Agentic.Testing;

namespace Agentic.Server.Tests.Api;

/// <summary>The typed client against the real server in memory.</summary>
public sealed class AgenticClientTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task TheClient_PublishesStartsFollowsAndAnswers_AndThrowsTheServersWords()
    {
        var (_, http, _) = await factory.TenantAsync();
        using var client = new AgenticClient(http);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var published = await client.PublishGraphAsync(File.ReadAllText(RepoPaths.Sample("hello")), cancellationToken: cancel.Token);
        Assert.Equal(("hello", "1.0.0"), (published.Name, published.Version));
        var started = await client.StartAsync(new StartLifetimeRequest("hello", "1.0.0", JsonSerializer.SerializeToElement(new { count = 0 }), null, null), cancel.Token);
        var events = new List<LifetimeEvent>();
        await foreach (var e in client.EventsAsync(started.Id, cancellationToken: cancel.Token))
        {
            events.Add(e);
        }

        Assert.Equal(Enumerable.Range(1, 22).Select(n => (long)n), events.Select(e => e.Record.Sequence));
        Assert.True(events[^1].IsDone);
        var done = await client.WaitAsync(started.Id, cancel.Token);
        Assert.Equal(("completed", 10), (done.Phase, done.Result!.Value.GetProperty("count").GetInt32()));
        Assert.Equal(Enumerable.Range(8, 15).Select(n => (long)n), await client.EventsAsync(started.Id, 7, cancel.Token).Select(e => e.Record.Sequence).ToListAsync(cancel.Token));

        await client.PublishGraphAsync(File.ReadAllText(RepoPaths.Sample("approval")), cancellationToken: cancel.Token);
        var approval = await client.StartAsync(new StartLifetimeRequest("approval", "1.0.0", null, "approve-1", null), cancel.Token);
        LifetimeResource waiting;
        while ((waiting = await client.GetAsync(approval.Id, cancel.Token)).Phase != "waiting")
        {
            await Task.Delay(50, cancel.Token);
        }

        await client.ProvideInputAsync(approval.Id, waiting.Awaiting[0].ExecutionId, JsonSerializer.SerializeToElement(new { ok = true }), "ada", cancel.Token);
        Assert.Equal("completed", (await client.WaitAsync(approval.Id, cancel.Token)).Phase);

        var missing = await Assert.ThrowsAsync<AgenticApiException>(() => client.GetAsync("nope", cancel.Token));
        Assert.Equal((HttpStatusCode.NotFound, "lifetime nope not found"), (missing.Status, missing.Detail));
        var conflict = await Assert.ThrowsAsync<AgenticApiException>(() => client.AbortAsync(approval.Id, cancellationToken: cancel.Token));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Status);
    }

    [Fact]
    public async Task ReadsAndEventStreams_AreMadeAgainWhileTheServerAnswers503_ButChangesAreNot()
    {
        var (_, keyed, secret) = await factory.TenantAsync();
        keyed.Dispose();
        var unavailable = new Unavailable();
        using var http = factory.CreateDefaultClient(unavailable);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        using var client = new AgenticClient(http);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.PublishGraphAsync(File.ReadAllText(RepoPaths.Sample("hello")), cancellationToken: cancel.Token);
        var started = await client.StartAsync(new StartLifetimeRequest("hello", "1.0.0", JsonSerializer.SerializeToElement(new { count = 0 }), null, null), cancel.Token);

        // Two 503s, then the server: a read and an event stream get through, each after its retries.
        (unavailable.Next, unavailable.Seen) = (2, 0);
        Assert.Equal(started.Id, (await client.GetAsync(started.Id, cancel.Token)).Id);
        Assert.Equal(3, unavailable.Seen);
        unavailable.Next = 2;
        Assert.Equal(22, await client.EventsAsync(started.Id, cancellationToken: cancel.Token).CountAsync(cancel.Token));

        // Five in a row: the read gives up with the server's words; a change is never made again.
        unavailable.Next = 5;
        var read = await Assert.ThrowsAsync<AgenticApiException>(() => client.GetAsync(started.Id, cancel.Token));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.Status);
        unavailable.Next = 1;
        unavailable.Seen = 0;
        var change = await Assert.ThrowsAsync<AgenticApiException>(() => client.PauseAsync(started.Id, cancellationToken: cancel.Token));
        Assert.Equal((HttpStatusCode.ServiceUnavailable, 1), (change.Status, unavailable.Seen));
    }

    /// <summary>Answers the next <see cref="Next"/> requests with 503 (Retry-After: 0) as a changing cluster does, then passes them on.</summary>
    private sealed class Unavailable : DelegatingHandler
    {
        public int Next { get; set; }

        public int Seen { get; set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen++;
            if (Next <= 0)
            {
                return base.SendAsync(request, cancellationToken);
            }

            Next--;
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
            {
                Content = new StringContent("{\"title\":\"Service unavailable\",\"status\":503,\"detail\":\"the cluster is changing\"}", System.Text.Encoding.UTF8, "application/problem+json"),
                RequestMessage = request,
            };
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.Zero);
            return Task.FromResult(response);
        }
    }
}
