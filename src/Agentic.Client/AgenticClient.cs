using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Agentic.Client;

/// <summary>
/// A typed client of the Agentic server's /v1 API for one tenant (its API key). Refusals throw
/// <see cref="AgenticApiException"/> with the problem document's words. Events are followed across dropped
/// connections: the client reconnects with the last event id, so it sees every record once. Reads and event streams
/// are made again while the server answers 503 (its cluster is changing); requests that change something are not.
/// </summary>
public sealed class AgenticClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>A client over <paramref name="http"/>, whose base address and authorization the caller set.</summary>
    public AgenticClient(HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
    }

    /// <summary>A client of the server at <paramref name="server"/> with the tenant key <paramref name="apiKey"/>.</summary>
    public AgenticClient(Uri server, string apiKey)
        : this(new HttpClient { BaseAddress = server, Timeout = Timeout.InfiniteTimeSpan })
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        _ownsHttp = true;
    }

    /// <summary>Publishes a graph in its text form; <paramref name="mediaType"/>: application/yaml, application/json or text/vnd.graphviz.</summary>
    public async Task<PublishedGraphResource> PublishGraphAsync(string text, string mediaType = "application/yaml", CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(text, Encoding.UTF8, mediaType);
        using var response = await _http.PostAsync(new Uri("v1/graphs", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<PublishedGraphResource>(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LifetimeResource> StartAsync(StartLifetimeRequest request, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync(new Uri("v1/lifetimes", UriKind.Relative), request, Json, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<LifetimeResource>(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<LifetimeResource> GetAsync(string lifetimeId, CancellationToken cancellationToken = default)
    {
        using var response = await GetRetryingAsync(Path(lifetimeId), cancellationToken).ConfigureAwait(false);
        return await ReadAsync<LifetimeResource>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A GET, made again (up to 5 times, after the server's Retry-After) while the cluster answers 503: it is changing.</summary>
    private async Task<HttpResponseMessage> GetRetryingAsync(Uri path, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await _http.GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || attempt == 5)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
        }
    }

    public Task<LifetimeResource> PauseAsync(string lifetimeId, string? actor = null, string? reason = null, CancellationToken cancellationToken = default) =>
        PostAsync(Path(lifetimeId, "pause"), new ControlRequest(actor, reason), cancellationToken);

    public Task<LifetimeResource> ResumeAsync(string lifetimeId, string? actor = null, string? reason = null, CancellationToken cancellationToken = default) =>
        PostAsync(Path(lifetimeId, "resume"), new ControlRequest(actor, reason), cancellationToken);

    public Task<LifetimeResource> AbortAsync(string lifetimeId, string? actor = null, string? reason = null, CancellationToken cancellationToken = default) =>
        PostAsync(Path(lifetimeId, "abort"), new ControlRequest(actor, reason), cancellationToken);

    public Task<LifetimeResource> ProvideInputAsync(string lifetimeId, string executionId, JsonElement input, string? actor = null, CancellationToken cancellationToken = default) =>
        PostAsync(Path(lifetimeId, "inputs/" + Uri.EscapeDataString(executionId)), new InputRequest(input, actor), cancellationToken);

    /// <summary>The tenant's lifetimes, newest first, one page (filtered by <paramref name="phase"/> and/or <paramref name="graph"/>); pass the page's <see cref="LifetimePage.Next"/> as <paramref name="cursor"/> for the next.</summary>
    public async Task<LifetimePage> ListAsync(string? phase = null, string? graph = null, int limit = 50, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var query = new StringBuilder(FormattableString.Invariant($"v1/lifetimes?limit={limit}"));
        foreach (var (name, value) in new[] { ("phase", phase), ("graph", graph), ("cursor", cursor) })
        {
            if (value is not null)
            {
                query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            }
        }

        using var response = await GetRetryingAsync(new Uri(query.ToString(), UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return await ReadAsync<LifetimePage>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One page of the lifetime's journal, from record <paramref name="from"/>.</summary>
    public async Task<JournalPage> JournalAsync(string lifetimeId, long from = 1, int limit = 100, CancellationToken cancellationToken = default)
    {
        var path = new Uri(Path(lifetimeId, "journal").OriginalString + FormattableString.Invariant($"?from={from}&limit={limit}"), UriKind.Relative);
        using var response = await GetRetryingAsync(path, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<JournalPage>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every record of the lifetime's journal, page by page.</summary>
    public async IAsyncEnumerable<JsonElement> JournalRecordsAsync(string lifetimeId, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (long? from = 1; from is { } next; )
        {
            var page = await JournalAsync(lifetimeId, next, 500, cancellationToken).ConfigureAwait(false);
            foreach (var record in page.Records)
            {
                yield return record;
            }

            from = page.Next;
        }
    }

    /// <summary>A new lifetime continuing <paramref name="lifetimeId"/> from its record <paramref name="fromSequence"/>.</summary>
    public Task<LifetimeResource> ForkAsync(string lifetimeId, long fromSequence, CancellationToken cancellationToken = default) =>
        PostAsync(Path(lifetimeId, "fork"), new ForkRequest(fromSequence), cancellationToken);

    /// <summary>Replays the lifetime's journal on the server without running a node.</summary>
    public async Task<ReplayReport> ReplayAsync(string lifetimeId, CancellationToken cancellationToken = default)
    {
        using var response = await GetRetryingAsync(Path(lifetimeId, "replay"), cancellationToken).ConfigureAwait(false);
        return await ReadAsync<ReplayReport>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tenant's spend (tokens and cost by node and model, and by hour), as the server's JSON.</summary>
    public async Task<JsonElement> UsageAsync(CancellationToken cancellationToken = default)
    {
        using var response = await GetRetryingAsync(new Uri("v1/usage", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return await ReadAsync<JsonElement>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tenant's own policy file and every policy in force for it, as the server's JSON.</summary>
    public async Task<JsonElement> GetPoliciesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await GetRetryingAsync(new Uri("v1/policies", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return await ReadAsync<JsonElement>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stores <paramref name="yaml"/> as the tenant's own policy file (refused with every problem and its line).</summary>
    public async Task<JsonElement> PutPoliciesAsync(string yaml, CancellationToken cancellationToken = default)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var response = await _http.PutAsync(new Uri("v1/policies", UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<JsonElement>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the tenant's own policy file.</summary>
    public async Task DeletePoliciesAsync(CancellationToken cancellationToken = default)
    {
        using var response = await _http.DeleteAsync(new Uri("v1/policies", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The lifetime's events after <paramref name="afterSequence"/> (0: from its start) until its end, reconnecting
    /// with the last event id when the connection drops (a refusal, such as 404, is thrown instead).
    /// </summary>
    public async IAsyncEnumerable<LifetimeEvent> EventsAsync(string lifetimeId, long afterSequence = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var last = afterSequence;
        for (var failures = 0; ; )
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, Path(lifetimeId, "events"));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (last > 0)
            {
                request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (++failures < 5)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * failures), cancellationToken).ConfigureAwait(false);
                continue;
            }

            using (response)
            {
                if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && ++failures < 5)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                var events = SseParser.Create(stream).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                await using (events.ConfigureAwait(false))
                {
                    while (true)
                    {
                        SseItem<string> item;
                        try
                        {
                            if (!await events.MoveNextAsync().ConfigureAwait(false))
                            {
                                break;
                            }

                            item = events.Current;
                        }
                        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                        {
                            break; // dropped: reconnect after the last event seen
                        }

                        var record = JsonSerializer.Deserialize<ExecutionRefResource>(item.Data, Json)
                            ?? throw new AgenticApiException($"event {item.EventId} of lifetime {lifetimeId} has no record");
                        if (record.Sequence <= last)
                        {
                            continue;
                        }

                        last = record.Sequence;
                        failures = 0;
                        var evt = new LifetimeEvent(item.EventType, record);
                        yield return evt;
                        if (evt.IsDone)
                        {
                            yield break;
                        }
                    }
                }
            }

            if (++failures >= 5)
            {
                throw new AgenticApiException($"the event stream of lifetime {lifetimeId} kept closing before its end (last event {last})");
            }
        }
    }

    /// <summary>Follows the lifetime's events to its end, then returns it as it ended.</summary>
    public async Task<LifetimeResource> WaitAsync(string lifetimeId, CancellationToken cancellationToken = default)
    {
        await foreach (var _ in EventsAsync(lifetimeId, 0, cancellationToken).ConfigureAwait(false))
        {
        }

        return await GetAsync(lifetimeId, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static Uri Path(string lifetimeId, string? action = null) =>
        new("v1/lifetimes/" + Uri.EscapeDataString(lifetimeId) + (action is null ? string.Empty : "/" + action), UriKind.Relative);

    private async Task<LifetimeResource> PostAsync<TBody>(Uri path, TBody body, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(path, body, Json, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<LifetimeResource>(response, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await EnsureAsync(response, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new AgenticApiException($"{(int)response.StatusCode}: the server answered without a body");
    }

    private static async Task EnsureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string? title = null, detail = null;
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
            title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
            detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
        }
        catch (JsonException)
        {
            // Not a problem document (a proxy's page): the status says enough.
        }

        throw new AgenticApiException(response.StatusCode, title, detail);
    }
}
