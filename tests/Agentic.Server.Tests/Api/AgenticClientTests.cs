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
}
