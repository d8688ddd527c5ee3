using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agentic.Testing;
using static Agentic.Server.Tests.Api.ApiCalls;

namespace Agentic.Server.Tests.Api;

/// <summary>Payloads kept in the blob store, served per lifetime to its tenant only, and answers held under the result limit.</summary>
public sealed class ApiBlobTests : IClassFixture<ApiBlobTests.BlobFactory>
{
    private readonly BlobFactory _factory;

    public ApiBlobTests(BlobFactory factory) => _factory = factory;

    [Fact]
    public async Task ALargeInput_IsShownAsAReference_ServedToItsTenant_AndRefusedOverTheLimitOrToAnotherTenant()
    {
        var (_, owner, _) = await _factory.TenantAsync();
        var (_, other, _) = await _factory.TenantAsync();
        using var _o = owner;
        using var _t = other;
        await owner.PostAsync("/v1/graphs", Yaml(File.ReadAllText(RepoPaths.Sample("hello"))));
        await other.PostAsync("/v1/graphs", Yaml(File.ReadAllText(RepoPaths.Sample("hello"))));

        // Over the inline limit (512 B): the journal and the lifetime show a reference, not the bytes nor the store's path.
        var input = new { count = 8, note = new string('n', 2000) };
        var id = await StartAsync(owner, input);
        var done = await SettledAsync(owner, id, "completed");
        var page = await owner.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{id}/journal?limit=1");
        var reference = page.GetProperty("records")[0].GetProperty("input");
        var href = reference.GetProperty("blob").GetString()!;
        Assert.Equal($"/v1/lifetimes/{id}/blobs/{reference.GetProperty("sha256").GetString()}", href);
        Assert.DoesNotContain(_factory.Root, page.GetRawText(), StringComparison.Ordinal);
        Assert.Equal("application/json", reference.GetProperty("media_type").GetString());

        var served = await owner.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("application/json", served.Content.Headers.ContentType?.MediaType);
        var bytes = await served.Content.ReadAsByteArrayAsync();
        Assert.Equal(reference.GetProperty("size_bytes").GetInt64(), bytes.Length);
        Assert.Equal(2000, JsonDocument.Parse(bytes).RootElement.GetProperty("note").GetString()!.Length);
        Assert.Equal(10, done.GetProperty("result").GetProperty("count").GetInt32());

        // Another tenant: the owner's lifetime does not exist for it, and its own lifetime does not reference the blob.
        var sha = reference.GetProperty("sha256").GetString();
        await ProblemAsync(await other.GetAsync(href), HttpStatusCode.NotFound);
        var theirs = await StartAsync(other, new { count = 9 });
        var missing = await ProblemAsync(await other.GetAsync($"/v1/lifetimes/{theirs}/blobs/{sha}"), HttpStatusCode.NotFound);
        Assert.Contains($"has no blob {sha}", missing.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Over the result limit (4 KiB): 413 naming the size and the limit.
        var huge = await StartAsync(owner, new { count = 9, note = new string('h', 20_000) });
        var hugeRef = (await owner.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{huge}/journal?limit=1")).GetProperty("records")[0].GetProperty("input");
        var tooLarge = await ProblemAsync(await owner.GetAsync(hugeRef.GetProperty("blob").GetString()), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("Agentic:Server:MaxResultBytes", tooLarge.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("4,096", tooLarge.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AJournalPage_EndsBeforeTheRecordThatWouldPassTheResultLimit_AndThePagesHoldEveryRecordOnce()
    {
        var (_, client, _) = await _factory.TenantAsync();
        using var _c = client;
        await client.PostAsync("/v1/graphs", Yaml(File.ReadAllText(RepoPaths.Sample("hello"))));
        var id = await StartAsync(client, new { count = 0 });
        var done = await SettledAsync(client, id, "completed");

        var sequences = new List<long>();
        var pages = 0;
        for (long? from = 1; from is { } next; pages++)
        {
            var response = await client.GetAsync($"/v1/lifetimes/{id}/journal?from={next}&limit=1000");
            Assert.True(response.Content.Headers.ContentLength is null or <= BlobFactory.MaxResultBytes, $"a page of {response.Content.Headers.ContentLength} bytes");
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.True(body.Length <= BlobFactory.MaxResultBytes, $"a page of {body.Length} bytes");
            var page = JsonDocument.Parse(body).RootElement;
            sequences.AddRange(page.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("sequence").GetInt64()));
            from = page.GetProperty("next").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next").GetInt64();
        }

        Assert.Equal(Enumerable.Range(1, (int)done.GetProperty("last_sequence").GetInt64()).Select(n => (long)n), sequences);
        Assert.True(pages > 1, "the journal fit one page: the test needs a lower limit");
    }

    [Fact]
    public async Task AStartAnswers201_OnlyOnceItsRecordIsDurable()
    {
        var (_, client, _) = await _factory.TenantAsync();
        using var _c = client;
        await client.PostAsync("/v1/graphs", Yaml(File.ReadAllText(RepoPaths.Sample("hello"))));
        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => StartAsync(client, new { count = i % 10 })));
        foreach (var id in ids)
        {
            // Read from the SQLite file at once: the start record is there (the id survives a crash).
            var page = await client.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{id}/journal?limit=1");
            Assert.Equal("lifetime_started", page.GetProperty("records")[0].GetProperty("type").GetString());
        }
    }

    private static async Task<string> StartAsync(HttpClient client, object input)
    {
        var started = await client.PostAsJsonAsync("/v1/lifetimes", new { graph = "hello", version = "1.0.0", input });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        return (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>The server on a SQLite file with its blob store beside it, a 512-byte inline limit and a 4 KiB result limit.</summary>
    public sealed class BlobFactory : ApiFactory
    {
        public const long MaxResultBytes = 4 * 1024;

        public string Root { get; } = Directory.CreateTempSubdirectory("agentic-blobs-").FullName;

        protected override string? JournalPath => Path.Combine(Root, "agentic.db");

        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [
            new("Agentic:Runtime:InlineResultLimit", "512"),
            new("Agentic:Server:MaxResultBytes", MaxResultBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];

        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing && Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
    }
}
