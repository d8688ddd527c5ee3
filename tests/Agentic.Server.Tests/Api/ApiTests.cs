using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agentic.Testing;
using static Agentic.Server.Tests.Api.ApiCalls;

namespace Agentic.Server.Tests.Api;

/// <summary>The /v1 API over the real server in memory: each endpoint's success and its errors, as problem documents.</summary>
public sealed class ApiTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static string Sample(string name) => File.ReadAllText(RepoPaths.Sample(name));

    private static async Task<JsonElement> StartAsync(HttpClient client, string graph, object? input = null, string? key = null)
    {
        var response = await client.PostAsJsonAsync("/v1/lifetimes", new { graph, version = "1.0.0", input, idempotency_key = key });
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Tenants_AreManagedWithTheAdminKeyOnly_AndKeysAreShownOnce_AndRevokedKeysStopWorking()
    {
        using var admin = factory.Admin();
        var id = "acme-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/v1/tenants", new { id, display_name = "Acme" })).StatusCode);
        Assert.Contains("exists", (await ProblemAsync(await admin.PostAsJsonAsync("/v1/tenants", new { id }), HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("lowercase", (await ProblemAsync(await admin.PostAsJsonAsync("/v1/tenants", new { id = "Not/Valid" }), HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var issued = await (await admin.PostAsJsonAsync($"/v1/tenants/{id}/keys", new { name = "ci" })).Content.ReadFromJsonAsync<JsonElement>();
        var secret = issued.GetProperty("secret").GetString()!;
        Assert.StartsWith("agk_", secret, StringComparison.Ordinal);
        var tenant = await admin.GetFromJsonAsync<JsonElement>($"/v1/tenants/{id}");
        Assert.Equal(("Acme", "ci"), (tenant.GetProperty("display_name").GetString(), tenant.GetProperty("keys")[0].GetProperty("name").GetString()));
        Assert.DoesNotContain(secret, tenant.GetRawText(), StringComparison.Ordinal);
        await ProblemAsync(await admin.PostAsJsonAsync("/v1/tenants/nobody/keys", new { name = "x" }), HttpStatusCode.NotFound);
        await ProblemAsync(await admin.GetAsync("/v1/tenants/nobody"), HttpStatusCode.NotFound);

        // A tenant's key is not the admin key, and no key is no key.
        using var asTenant = factory.As(secret);
        await ProblemAsync(await asTenant.PostAsJsonAsync("/v1/tenants", new { id = "other" }), HttpStatusCode.Unauthorized);
        using var anonymous = factory.CreateClient();
        await ProblemAsync(await anonymous.GetAsync($"/v1/tenants/{id}"), HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NotFound, (await asTenant.GetAsync("/v1/graphs/none")).StatusCode); // the key works

        var keyId = issued.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/tenants/{id}/keys/{keyId}")).StatusCode);
        await ProblemAsync(await admin.DeleteAsync($"/v1/tenants/{id}/keys/{keyId}"), HttpStatusCode.NotFound);
        await ProblemAsync(await asTenant.GetAsync("/v1/graphs/none"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Graphs_ArePublishedInEveryFormat_AndAPublishedVersionIsImmutable()
    {
        var (_, client, _) = await factory.TenantAsync();
        using var _c = client;
        var published = await client.PostAsync("/v1/graphs", Yaml(Sample("hello")));
        Assert.Equal(HttpStatusCode.Created, published.StatusCode);
        Assert.Equal("/v1/graphs/hello/1.0.0", published.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/graphs", Yaml(Sample("hello")))).StatusCode); // same content: the same version

        var changed = Sample("hello").Replace("result.count >= 10", "result.count >= 3", StringComparison.Ordinal);
        Assert.Contains("Bump the version", (await ProblemAsync(await client.PostAsync("/v1/graphs", Yaml(changed)), HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var invalid = await ProblemAsync(await client.PostAsync("/v1/graphs", Yaml("graph: broken\nversion: 1.0.0\nnodes: []\n")), HttpStatusCode.BadRequest);
        Assert.Contains("AG100", invalid.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("application/yaml", (await ProblemAsync(await client.PostAsync("/v1/graphs", new StringContent("x", Encoding.UTF8, "text/plain")), HttpStatusCode.UnsupportedMediaType)).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The canonical JSON it stored publishes again as JSON; DOT is read too.
        var json = await client.GetStringAsync("/v1/graphs/hello/1.0.0");
        Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/v1/graphs", new StringContent(json, Encoding.UTF8, "application/json"))).StatusCode);
        var dot = "digraph dotted { graph [version=\"1.0.0\"]; a [type=task, impl=echo]; b [type=plan, impl=all]; end [shape=doublecircle]; a -> b; b -> end; }";
        var fromDot = await client.PostAsync("/v1/graphs", new StringContent(dot, Encoding.UTF8, "text/vnd.graphviz"));
        Assert.True(fromDot.StatusCode == HttpStatusCode.Created, await fromDot.Content.ReadAsStringAsync());

        var listed = await client.GetFromJsonAsync<JsonElement>("/v1/graphs");
        Assert.Equal(["dotted", "hello"], listed.EnumerateArray().Select(g => g.GetProperty("name").GetString()));
        Assert.Equal("1.0.0", listed[1].GetProperty("latest").GetString());
        var versions = await client.GetFromJsonAsync<JsonElement>("/v1/graphs/hello");
        Assert.Equal("1.0.0", Assert.Single(versions.EnumerateArray()).GetProperty("version").GetString());
        await ProblemAsync(await client.GetAsync("/v1/graphs/hello/9.9.9"), HttpStatusCode.NotFound);
        await ProblemAsync(await client.GetAsync("/v1/graphs/nothing"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ALifetime_StartsFromAPublishedVersion_Once_PerIdempotencyKey_AndItsJournalPagesThrough()
    {
        var (_, client, _) = await factory.TenantAsync();
        using var _c = client;
        await client.PostAsync("/v1/graphs", Yaml(Sample("hello")));
        await ProblemAsync(await client.PostAsJsonAsync("/v1/lifetimes", new { graph = "hello", version = "2.0.0" }), HttpStatusCode.NotFound);
        await ProblemAsync(await client.PostAsJsonAsync("/v1/lifetimes", new { version = "1.0.0" }), HttpStatusCode.BadRequest);

        var first = await StartAsync(client, "hello", new { count = 0 }, key: "order-42");
        var again = await StartAsync(client, "hello", new { count = 5 }, key: "order-42");
        var id = first.GetProperty("id").GetString()!;
        Assert.Equal(id, again.GetProperty("id").GetString());
        var done = await SettledAsync(client, id, "completed");
        Assert.Equal(10, done.GetProperty("result").GetProperty("count").GetInt32());
        Assert.NotEqual(id, (await StartAsync(client, "hello", new { count = 0 })).GetProperty("id").GetString());

        var page = await client.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{id}/journal?from=1&limit=5");
        Assert.Equal(5, page.GetProperty("records").GetArrayLength());
        Assert.Equal(6, page.GetProperty("next").GetInt64());
        Assert.Equal("lifetime_started", page.GetProperty("records")[0].GetProperty("type").GetString());
        var last = await client.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{id}/journal?from=20&limit=100");
        Assert.Equal((3, JsonValueKind.Null), (last.GetProperty("records").GetArrayLength(), last.GetProperty("next").ValueKind));
        await ProblemAsync(await client.GetAsync($"/v1/lifetimes/{id}/journal?limit=0"), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.GetAsync($"/v1/lifetimes/{id}/journal?limit=100000"), HttpStatusCode.BadRequest);

        // The version in the name (graph@version), or none: the version published last.
        await client.PostAsync("/v1/graphs", Yaml(Sample("hello").Replace("version: 1.0.0", "version: 1.1.0", StringComparison.Ordinal)));
        Assert.Equal("1.0.0", (await (await client.PostAsJsonAsync("/v1/lifetimes", new { graph = "hello@1.0.0", input = new { count = 0 } })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString());
        Assert.Equal("1.1.0", (await (await client.PostAsJsonAsync("/v1/lifetimes", new { graph = "hello", input = new { count = 0 } })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetString());
        Assert.Contains("give one", (await ProblemAsync(await client.PostAsJsonAsync("/v1/lifetimes", new { graph = "hello@1.0.0", version = "1.1.0" }), HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("not published", (await ProblemAsync(await client.PostAsJsonAsync("/v1/lifetimes", new { graph = "nothing" }), HttpStatusCode.NotFound)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lifetimes_AreListedNewestFirst_ByPage_AndFiltered_AndForkedAndReplayed()
    {
        var (_, client, _) = await factory.TenantAsync();
        using var _c = client;
        await client.PostAsync("/v1/graphs", Yaml(Sample("hello")));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await StartAsync(client, "hello", new { count = 0 })).GetProperty("id").GetString()!);
            await SettledAsync(client, ids[^1], "completed");
        }

        var first = await client.GetFromJsonAsync<JsonElement>("/v1/lifetimes?limit=2");
        var next = first.GetProperty("next").GetString();
        var second = await client.GetFromJsonAsync<JsonElement>($"/v1/lifetimes?limit=2&cursor={next}");
        var listed = first.GetProperty("lifetimes").EnumerateArray().Concat(second.GetProperty("lifetimes").EnumerateArray()).Select(l => l.GetProperty("id").GetString()).ToList();
        Assert.Equal(Enumerable.Reverse(ids), listed);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("next").ValueKind);
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>("/v1/lifetimes?phase=completed&graph=hello")).GetProperty("lifetimes").GetArrayLength());
        Assert.Equal(0, (await client.GetFromJsonAsync<JsonElement>("/v1/lifetimes?phase=waiting")).GetProperty("lifetimes").GetArrayLength());
        Assert.Contains("completed", (await ProblemAsync(await client.GetAsync("/v1/lifetimes?phase=done"), HttpStatusCode.BadRequest)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ProblemAsync(await client.GetAsync("/v1/lifetimes?cursor=bm9wZQ"), HttpStatusCode.BadRequest);
        await ProblemAsync(await client.GetAsync("/v1/lifetimes?limit=0"), HttpStatusCode.BadRequest);

        // A fork of the first lifetime from its 4th record runs on to the same end; both replay identically.
        var fork = await client.PostAsJsonAsync($"/v1/lifetimes/{ids[0]}/fork", new { from_sequence = 4 });
        Assert.Equal(HttpStatusCode.Created, fork.StatusCode);
        var forkId = (await fork.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        Assert.Equal(10, (await SettledAsync(client, forkId, "completed")).GetProperty("result").GetProperty("count").GetInt32());
        var replay = await client.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{forkId}/replay");
        Assert.Equal((true, 22L), (replay.GetProperty("identical").GetBoolean(), replay.GetProperty("records").GetInt64()));
        await ProblemAsync(await client.PostAsJsonAsync($"/v1/lifetimes/{ids[0]}/fork", new { from_sequence = 999 }), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ALifetime_IsPausedResumedAndAnswered_AndARefusedTransitionIs409()
    {
        var (_, client, _) = await factory.TenantAsync();
        using var _c = client;
        await client.PostAsync("/v1/graphs", Yaml(Sample("approval")));
        var id = (await StartAsync(client, "approval")).GetProperty("id").GetString()!;
        var waiting = await SettledAsync(client, id, "waiting");
        var awaited = waiting.GetProperty("awaiting")[0].GetProperty("execution_id").GetString();

        var paused = await client.PostAsJsonAsync($"/v1/lifetimes/{id}/pause", new { actor = "ops", reason = "audit" });
        Assert.Equal("paused", (await paused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("phase").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"/v1/lifetimes/{id}/resume", null)).StatusCode);
        await ProblemAsync(await client.PostAsJsonAsync($"/v1/lifetimes/{id}/inputs/{id}.99", new { input = new { ok = true } }), HttpStatusCode.Conflict);

        var answered = await client.PostAsJsonAsync($"/v1/lifetimes/{id}/inputs/{awaited}", new { input = new { ok = true }, actor = "ada" });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        await SettledAsync(client, id, "completed");
        await ProblemAsync(await client.PostAsJsonAsync($"/v1/lifetimes/{id}/inputs/{awaited}", new { input = new { ok = false } }), HttpStatusCode.Conflict);
        await ProblemAsync(await client.PostAsync($"/v1/lifetimes/{id}/abort", null), HttpStatusCode.Conflict);

        var journal = await client.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{id}/journal");
        var controls = journal.GetProperty("records").EnumerateArray().Where(r => r.GetProperty("type").GetString() == "lifetime_controlled").ToList();
        Assert.Equal(("pause", "ops", "audit"), (controls[0].GetProperty("action").GetString(), controls[0].GetProperty("actor").GetString(), controls[0].GetProperty("reason").GetString()));
        Assert.StartsWith("api:", controls[1].GetProperty("actor").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_AreEveryRecordOnce_InOrder_EndingWithDone_AndResumeAfterTheLastEventId()
    {
        var (_, client, _) = await factory.TenantAsync();
        using var _c = client;
        await client.PostAsync("/v1/graphs", Yaml(Sample("hello")));
        var id = (await StartAsync(client, "hello", new { count = 0 })).GetProperty("id").GetString()!;
        using var cancel = new CancellationTokenSource(Patience);

        using var all = await client.GetAsync($"/v1/lifetimes/{id}/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", all.Content.Headers.ContentType?.MediaType);
        var events = await SseEvent.ReadAllAsync(all, cancel.Token);
        Assert.Equal(Enumerable.Range(1, 22).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), events.Select(e => e.Id));
        Assert.Equal(("message", "done"), (events[0].Event, events[^1].Event));
        Assert.All(events.Skip(1).SkipLast(1), e => Assert.Equal("task", e.Event));
        Assert.Equal("completed", JsonDocument.Parse(events[^1].Data).RootElement.GetProperty("phase").GetString());

        // A reconnect after event 7 gets 8.. exactly.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/lifetimes/{id}/events");
        request.Headers.Add("Last-Event-ID", "7");
        using var resumed = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal(Enumerable.Range(8, 15).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), (await SseEvent.ReadAllAsync(resumed, cancel.Token)).Select(e => e.Id));
        await ProblemAsync(await client.GetAsync($"/v1/lifetimes/{id}/events?after=-1", cancel.Token), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Usage_IsTheTenantsSpendByNodeAndModel_AndPoliciesAreCheckedBeforeUse_AndAGraphIsDrawn()
    {
        var (tenant, client, _) = await factory.TenantAsync();
        var (_, other, _) = await factory.TenantAsync();
        using var _c = client;
        using var _o = other;
        await client.PostAsync("/v1/graphs", Yaml(AskingGraph));
        var id = (await StartAsync(client, "asking", new { n = 1 })).GetProperty("id").GetString()!;
        var spent = (await SettledAsync(client, id, "completed")).GetProperty("tokens_used").GetInt64();
        Assert.True(spent > 0);

        var usage = await client.GetFromJsonAsync<JsonElement>("/v1/usage");
        var line = Assert.Single(usage.GetProperty("by_node").EnumerateArray());
        Assert.Equal(("ask", "m", spent), (line.GetProperty("node").GetString(), line.GetProperty("model").GetString(), line.GetProperty("tokens_used").GetInt64()));
        Assert.Equal(spent, usage.GetProperty("tokens_used").GetInt64());
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/v1/usage")).GetProperty("tokens_used").GetInt64());

        var valid = await client.PostAsync("/v1/policies/validate", Yaml("policies:\n  - { name: budget, scope: tenant, when: \"sum(tokens_used) >= 1000\", action: abort_lifetime }\n"));
        Assert.Equal($"{tenant}/budget", (await valid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("policies")[0].GetProperty("name").GetString());
        var invalid = await ProblemAsync(await client.PostAsync("/v1/policies/validate", Yaml("policies:\n  - { name: x, scope: planet, when: \"true\", action: abort_lifetime }\n")), HttpStatusCode.BadRequest);
        Assert.Contains($"{tenant}.yaml:2", invalid.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, (await client.GetFromJsonAsync<JsonElement>("/v1/policies")).GetProperty("text").ValueKind); // validating stores nothing

        var drawn = await client.GetAsync("/v1/graphs/asking/1.0.0/mermaid");
        Assert.Equal("text/vnd.mermaid", drawn.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ask", await drawn.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await ProblemAsync(await other.GetAsync("/v1/graphs/asking/1.0.0/mermaid"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheTenantsFeed_ShowsItsLifetimesChangingPhase_Live_ResumesAfterTheLastEventId_AndShowsNoOtherTenants()
    {
        var (_, client, _) = await factory.TenantAsync();
        var (_, other, _) = await factory.TenantAsync();
        using var _c = client;
        using var _o = other;
        await client.PostAsync("/v1/graphs", Yaml(Sample("approval")));
        await other.PostAsync("/v1/graphs", Yaml(Sample("approval")));
        using var cancel = new CancellationTokenSource(Patience);
        using var feed = await client.GetAsync("/v1/events", HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        Assert.Equal("text/event-stream", feed.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await feed.Content.ReadAsStreamAsync(cancel.Token));

        var theirs = (await StartAsync(other, "approval")).GetProperty("id").GetString()!;
        var id = (await StartAsync(client, "approval")).GetProperty("id").GetString()!;
        var awaited = (await SettledAsync(client, id, "waiting")).GetProperty("awaiting")[0].GetProperty("execution_id").GetString();
        await client.PostAsJsonAsync($"/v1/lifetimes/{id}/inputs/{awaited}", new { input = new { ok = true } });

        // running, waiting, running (input given), completed: each once, in order, and none of the other tenant's.
        var seen = new List<(string Id, string Phase, string EventId)>();
        (string? EventId, JsonElement? Data) current = (null, null);
        while (seen.Count(e => e.Id == id) < 4 && await reader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                current.EventId = line[4..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                current.Data = JsonDocument.Parse(line[6..]).RootElement;
            }
            else if (line.Length == 0 && current.Data is { } data)
            {
                seen.Add((data.GetProperty("lifetime_id").GetString()!, data.GetProperty("phase").GetString()!, current.EventId!));
                current = (null, null);
            }
        }

        Assert.DoesNotContain(seen, e => e.Id == theirs);
        Assert.Equal(["running", "waiting", "running", "completed"], seen.Where(e => e.Id == id).Select(e => e.Phase));

        // Reconnecting after the second event gives the third and fourth again, nothing before.
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        request.Headers.Add("Last-Event-ID", seen[1].EventId);
        using var resumed = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var again = new StreamReader(await resumed.Content.ReadAsStreamAsync(cancel.Token));
        var next = new List<string>();
        while (next.Count < 2 && await again.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                next.Add(JsonDocument.Parse(line[6..]).RootElement.GetProperty("phase").GetString()!);
            }
        }

        Assert.Equal(["running", "completed"], next);
        await ProblemAsync(await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/events") { Headers = { { "Last-Event-ID", "nonsense" } } }, cancel.Token), HttpStatusCode.BadRequest);

        // An id of another feed (the server restarted since): a gap event first, then what is kept.
        using var stale = new HttpRequestMessage(HttpMethod.Get, "/v1/events");
        stale.Headers.Add("Last-Event-ID", "0123456789ab.3");
        using var afterGap = await client.SendAsync(stale, HttpCompletionOption.ResponseHeadersRead, cancel.Token);
        using var gapReader = new StreamReader(await afterGap.Content.ReadAsStreamAsync(cancel.Token));
        var kinds = new List<string>();
        while (kinds.Count < 2 && await gapReader.ReadLineAsync(cancel.Token) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                kinds.Add(line[7..]);
            }
        }

        Assert.Equal(["gap", "phase"], kinds);
    }

    [Fact]
    public async Task AnotherTenantsLifetimesAndGraphs_AnswerExactlyAsOnesThatDoNotExist()
    {
        var (_, owner, _) = await factory.TenantAsync();
        var (_, other, _) = await factory.TenantAsync();
        using var _o = owner;
        using var _x = other;
        await owner.PostAsync("/v1/graphs", Yaml(Sample("approval")));
        var id = (await StartAsync(owner, "approval")).GetProperty("id").GetString()!;
        var awaited = (await SettledAsync(owner, id, "waiting")).GetProperty("awaiting")[0].GetProperty("execution_id").GetString();
        var missing = "0" + id[1..] == id ? "1" + id[1..] : "0" + id[1..];

        var requests = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Get, "/v1/lifetimes/{0}", null),
            (HttpMethod.Post, "/v1/lifetimes/{0}/pause", null),
            (HttpMethod.Post, "/v1/lifetimes/{0}/resume", null),
            (HttpMethod.Post, "/v1/lifetimes/{0}/abort", null),
            (HttpMethod.Post, "/v1/lifetimes/{0}/inputs/" + awaited, new { input = new { ok = true } }),
            (HttpMethod.Get, "/v1/lifetimes/{0}/journal", null),
            (HttpMethod.Get, "/v1/lifetimes/{0}/events", null),
            (HttpMethod.Post, "/v1/lifetimes/{0}/fork", new { from_sequence = 2 }),
            (HttpMethod.Get, "/v1/lifetimes/{0}/replay", null),
            (HttpMethod.Get, "/v1/lifetimes/{0}/blobs/" + new string('a', 64), null),
        };
        foreach (var (method, path, body) in requests)
        {
            var theirs = await ProblemAsync(await other.SendAsync(new HttpRequestMessage(method, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, id)) { Content = body is null ? null : JsonContent.Create(body) }), HttpStatusCode.NotFound);
            var none = await ProblemAsync(await other.SendAsync(new HttpRequestMessage(method, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, missing)) { Content = body is null ? null : JsonContent.Create(body) }), HttpStatusCode.NotFound);
            Assert.Equal(none.GetProperty("detail").GetString()!.Replace(missing, "ID", StringComparison.Ordinal), theirs.GetProperty("detail").GetString()!.Replace(id, "ID", StringComparison.Ordinal));
        }

        // Graphs: the other tenant sees none of the owner's, and may publish the same name and version as its own.
        await ProblemAsync(await other.GetAsync("/v1/graphs/approval"), HttpStatusCode.NotFound);
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/v1/graphs")).GetArrayLength());
        await ProblemAsync(await other.GetAsync("/v1/graphs/approval/1.0.0"), HttpStatusCode.NotFound);
        await ProblemAsync(await other.PostAsJsonAsync("/v1/lifetimes", new { graph = "approval", version = "1.0.0" }), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsync("/v1/graphs", Yaml(Sample("approval").Replace("Publish these", "Ship these", StringComparison.Ordinal)))).StatusCode);

        // Nor do they show in its listing, its usage or its policies.
        Assert.DoesNotContain(id, (await other.GetStringAsync("/v1/lifetimes")), StringComparison.Ordinal);
        Assert.Equal(0, (await other.GetFromJsonAsync<JsonElement>("/v1/usage")).GetProperty("lifetimes").GetInt64());

        // Nothing the other tenant tried changed the owner's lifetime.
        Assert.Equal("waiting", (await owner.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{id}")).GetProperty("phase").GetString());
    }

    [Fact]
    public async Task ABodyOverTheLimit_Is413_AndEveryTenantEndpointNeedsAKey()
    {
        var (_, client, _) = await factory.TenantAsync();
        using var _c = client;
        var big = new string('x', (int)ApiFactory.MaxRequestBytes + 1);
        var problem = await ProblemAsync(await client.PostAsync("/v1/graphs", Yaml(big)), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("MaxRequestBytes", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        using var anonymous = factory.CreateClient();
        foreach (var path in new[] { "/v1/graphs/hello", "/v1/lifetimes/x", "/v1/lifetimes/x/journal", "/v1/lifetimes/x/events", "/v1/lifetimes/x/blobs/y", "/v1/usage", "/v1/policies", "/v1/events", "/v1/queues/q" })
        {
            await ProblemAsync(await anonymous.GetAsync(path), HttpStatusCode.Unauthorized);
        }

        using var forged = factory.As("agk_" + new string('A', 43));
        await ProblemAsync(await forged.PostAsJsonAsync("/v1/lifetimes", new { graph = "hello", version = "1.0.0" }), HttpStatusCode.Unauthorized);
        // The OpenAPI document describes every endpoint a tenant calls.
        var openApi = await anonymous.GetFromJsonAsync<JsonElement>("/v1/openapi.json");
        var described = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(
            new HashSet<string> { "/v1/tenants", "/v1/graphs", "/v1/graphs/{name}/{version}/mermaid", "/v1/lifetimes", "/v1/lifetimes/{id}/journal", "/v1/lifetimes/{id}/events", "/v1/lifetimes/{id}/blobs/{sha256}", "/v1/usage", "/v1/policies", "/v1/policies/validate", "/v1/events", "/v1/queues/{queue}/poll" },
            described);
    }
}
