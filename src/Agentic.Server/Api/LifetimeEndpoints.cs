using System.Buffers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Agentic.Client;
using Agentic.Core.Execution;
using Agentic.Orleans;
using Agentic.Runtime.Journal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace Agentic.Server.Api;

/// <summary>
/// /v1/lifetimes: the calling tenant's lifetimes. Another tenant's lifetime answers exactly as one that does not
/// exist (404, same words), so its existence cannot be inferred.
/// </summary>
internal static class LifetimeEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var lifetimes = app.MapGroup("/v1/lifetimes").AddEndpointFilter(ApiAuthentication.RequireTenant).WithTags("lifetimes").RequireRateLimiting(TenantRateLimits.Policy);
        lifetimes.MapPost("/", StartAsync);
        lifetimes.MapGet("/", ListAsync);
        lifetimes.MapGet("/{id}", GetAsync);
        lifetimes.MapPost("/{id}/fork", ForkAsync);
        lifetimes.MapGet("/{id}/replay", ReplayAsync);
        lifetimes.MapPost("/{id}/pause", (string id, ControlRequest? request, HttpContext context, IGrainFactory grains) => ControlAsync(id, request, context, grains, (g, a, r) => g.PauseAsync(a, r)));
        lifetimes.MapPost("/{id}/resume", (string id, ControlRequest? request, HttpContext context, IGrainFactory grains) => ControlAsync(id, request, context, grains, (g, a, r) => g.ResumeAsync(a, r)));
        lifetimes.MapPost("/{id}/abort", (string id, ControlRequest? request, HttpContext context, IGrainFactory grains) => ControlAsync(id, request, context, grains, (g, a, r) => g.AbortAsync(a, r)));
        lifetimes.MapPost("/{id}/inputs/{executionId}", ProvideInputAsync);
        lifetimes.MapGet("/{id}/journal", JournalAsync);
        lifetimes.MapGet("/{id}/blobs/{sha256}", BlobAsync).WithDescription("A payload of the lifetime kept in the blob store (its journal and state show such a payload as { blob: this path, sha256, size_bytes, media_type }).");
        lifetimes.MapGet("/{id}/events", EventsAsync).Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
    }

    private static async Task<IResult> StartAsync(StartLifetimeRequest request, HttpContext context, IGrainFactory grains)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Graph, "graph");
        var tenant = ApiCaller.Tenant(context);
        var (graphName, version) = await VersionToStartAsync(request, tenant, grains);
        var idempotent = request.IdempotencyKey is { Length: > 0 } key;
        var id = idempotent ? IdempotentId(tenant, request.IdempotencyKey!) : LifetimeIds.Format(Guid.CreateVersion7());
        var lifetime = grains.GetGrain<IAgentLifetimeGrain>(id);
        var input = request.Input is { } json ? PayloadData.FromJson(json.GetRawText()) : null;
        try
        {
            var started = await lifetime.StartPublishedAsync(new StartPublishedLifetimeCommand(graphName, version, tenant, input, request.IterationCap));
            return TypedResults.Created($"/v1/lifetimes/{id}", ApiResources.Lifetime(started));
        }
        catch (InvalidOperationException ex) when (idempotent && ex.Message.EndsWith("already exists", StringComparison.Ordinal))
        {
            // The same key again: the lifetime it started, as it stands now.
            return TypedResults.Ok(ApiResources.Lifetime((await OwnedAsync(id, context, grains)).State));
        }
    }

    /// <summary>The graph and version a start names: <c>version</c>, else <c>graph</c> as <c>name@version</c>, else the version published last.</summary>
    private static async Task<(string Graph, string Version)> VersionToStartAsync(StartLifetimeRequest request, string tenant, IGrainFactory grains)
    {
        var at = request.Graph.LastIndexOf('@');
        var (name, named) = at > 0 ? (request.Graph[..at], request.Graph[(at + 1)..]) : (request.Graph, null);
        if (request.Version is { Length: > 0 } version)
        {
            return named is null || named == version ? (name, version) : throw new ArgumentException($"graph '{request.Graph}' names version {named} but version is {version}: give one");
        }

        if (named is { Length: > 0 })
        {
            return (name, named);
        }

        var versions = await grains.GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of(tenant, name)).ListAsync();
        return versions.Count > 0 ? (name, versions[^1].Version) : throw new KeyNotFoundException($"graph '{name}' is not published");
    }

    /// <summary>The caller's lifetimes, newest first, by page: <c>next</c> is the cursor of the following page (null: the last).</summary>
    private static async Task<IResult> ListAsync(HttpContext context, IJournalStore store, IOptions<ApiOptions> options, string? phase = null, string? graph = null, int limit = 50, string? cursor = null)
    {
        if (limit < 1 || limit > options.Value.MaxPageSize)
        {
            throw new ArgumentException($"limit must be between 1 and {options.Value.MaxPageSize} (got {limit})");
        }

        ExecutionPhase? byPhase = phase is null ? null : Enum.GetValues<ExecutionPhase>().FirstOrDefault(p => p.ToWireName() == phase) is var parsed && parsed.ToWireName() == phase
            ? parsed
            : throw new ArgumentException($"phase '{phase}' is not one of {string.Join(", ", Enum.GetValues<ExecutionPhase>().Select(p => p.ToWireName()))}");
        var page = await store.ListLifetimesAsync(
            new LifetimeQuery { TenantId = ApiCaller.Tenant(context), Phase = byPhase, GraphName = graph, After = cursor is null ? null : ListCursor.Decode(cursor), Limit = limit },
            context.RequestAborted);
        return TypedResults.Ok(new
        {
            lifetimes = page.Select(l => new
            {
                id = l.LifetimeId,
                tenant = l.TenantId,
                graph = l.GraphName,
                version = l.GraphVersion,
                phase = l.Phase.ToWireName(),
                started_at = l.StartedAt,
                ended_at = l.EndedAt,
                last_sequence = l.LastSequence,
                reason = l.Reason,
            }),
            next = page.Count == limit ? ListCursor.Encode(LifetimeCursor.Of(page[^1])) : null,
        });
    }

    /// <summary>A new lifetime (the caller's) that continues the caller's lifetime <paramref name="id"/> from a record of it.</summary>
    private static async Task<IResult> ForkAsync(string id, ForkRequest request, HttpContext context, IGrainFactory grains)
    {
        await OwnedAsync(id, context, grains);
        var forkId = LifetimeIds.Format(Guid.CreateVersion7());
        var fork = await grains.GetGrain<IAgentLifetimeGrain>(forkId).ForkAsync(id, request.FromSequence);
        return TypedResults.Created($"/v1/lifetimes/{forkId}", ApiResources.Lifetime(fork));
    }

    /// <summary>Replays the journal without running a node: whether every record follows from the ones before it.</summary>
    private static async Task<IResult> ReplayAsync(string id, HttpContext context, IGrainFactory grains, IJournalStore store)
    {
        await OwnedAsync(id, context, grains);
        var records = new List<JournalEntry>();
        await foreach (var record in store.ReadAsync(id, 1, context.RequestAborted))
        {
            records.Add(record);
        }

        var report = JournalReplay.Replay(records);
        return TypedResults.Ok(new
        {
            identical = report.Identical,
            records = report.Records,
            phase = report.Phase.ToWireName(),
            executions = report.Executions,
            iterations = report.Iterations,
            divergence = report.Divergence?.Message,
        });
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(ApiResources.Lifetime((await OwnedAsync(id, context, grains)).State));

    private static async Task<IResult> ControlAsync(string id, ControlRequest? request, HttpContext context, IGrainFactory grains, Func<IAgentLifetimeGrain, string, string?, Task<LifetimeState>> control)
    {
        var (lifetime, _) = await OwnedAsync(id, context, grains);
        return TypedResults.Ok(ApiResources.Lifetime(await control(lifetime, Actor(request?.Actor, context), request?.Reason)));
    }

    private static async Task<IResult> ProvideInputAsync(string id, string executionId, InputRequest request, HttpContext context, IGrainFactory grains)
    {
        var (lifetime, _) = await OwnedAsync(id, context, grains);
        var state = await lifetime.ProvideInputAsync(executionId, PayloadData.FromJson(request.Input.GetRawText()), Actor(request.Actor, context));
        return TypedResults.Ok(ApiResources.Lifetime(state));
    }

    /// <summary>A page of records from <paramref name="from"/> (1: the start), as the CLI's <c>journal --output json</c> writes them.</summary>
    private static async Task<IResult> JournalAsync(string id, HttpContext context, IGrainFactory grains, IJournalStore store, IOptions<ApiOptions> options, long from = 1, int limit = 100)
    {
        await OwnedAsync(id, context, grains);
        if (from < 1 || limit < 1 || limit > options.Value.MaxPageSize)
        {
            throw new ArgumentException($"from must be at least 1 and limit between 1 and {options.Value.MaxPageSize} (got from={from}, limit={limit})");
        }

        // Each record is written on its own first: the page ends before the record that would pass the answer's limit.
        var blob = ApiBlobs.Writer(id);
        var written = new List<byte[]>(Math.Min(limit, 256));
        var size = 0L;
        long? next = null;
        var one = new ArrayBufferWriter<byte>();
        await using var recordWriter = new Utf8JsonWriter(one);
        await foreach (var record in store.ReadAsync(id, from, context.RequestAborted))
        {
            if (written.Count == limit)
            {
                next = record.Sequence;
                break;
            }

            one.ResetWrittenCount();
            recordWriter.Reset(one);
            JournalJson.WriteRecord(recordWriter, record, blob);
            await recordWriter.FlushAsync(context.RequestAborted);

            if (size + one.WrittenCount + 64 > options.Value.MaxResultBytes)
            {
                next = written.Count > 0 ? record.Sequence : throw new ResultTooLargeException($"record {record.Sequence} of lifetime {id}", one.WrittenCount, options.Value.MaxResultBytes);
                break;
            }

            size += one.WrittenCount + 1;
            written.Add(one.WrittenSpan.ToArray());
        }

        using var buffer = new MemoryStream();
        await using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartArray("records");
            foreach (var record in written)
            {
                w.WriteRawValue(record, skipInputValidation: true);
            }

            w.WriteEndArray();
            if (next is { } n)
            {
                w.WriteNumber("next", n);
            }
            else
            {
                w.WriteNull("next");
            }

            w.WriteEndObject();
        }

        return TypedResults.Bytes(buffer.ToArray(), "application/json");
    }

    /// <summary>
    /// A payload the lifetime's journal references (its input, a result, a prompt) read from the blob store: 404 unless
    /// the caller's lifetime references it (a tenant cannot probe for content another tenant stored), 413 over the limit.
    /// </summary>
    private static async Task<IResult> BlobAsync(string id, string sha256, HttpContext context, IGrainFactory grains, IJournalStore store, IOptions<ApiOptions> options, IServiceProvider services)
    {
        await OwnedAsync(id, context, grains);
        Core.Blobs.BlobReference? found = null;
        await foreach (var record in store.ReadAsync(id, 1, context.RequestAborted))
        {
            found = Payloads(record).Select(p => p?.Blob).FirstOrDefault(b => b is not null && string.Equals(b.Sha256, sha256, StringComparison.OrdinalIgnoreCase));
            if (found is not null)
            {
                break;
            }
        }

        if (found is null || services.GetService(typeof(Runtime.Blobs.IBlobStore)) is not Core.Blobs.IBlobReader reader)
        {
            throw new KeyNotFoundException($"lifetime {id} has no blob {sha256}");
        }

        if (found.SizeBytes > options.Value.MaxResultBytes)
        {
            throw new ResultTooLargeException($"blob {sha256}", found.SizeBytes, options.Value.MaxResultBytes);
        }

        return TypedResults.Bytes(reader.Read(found), found.MediaType);
    }

    private static IEnumerable<Payload?> Payloads(JournalEntry record) => record switch
    {
        LifetimeStartedEntry s => [s.Input],
        ExecutionEntry e => [e.Result],
        LifetimeEndedEntry end => [end.Result],
        _ => [],
    };

    /// <summary>
    /// Server-sent events from the lifetime's journal grain: one per record (id: its sequence), the seed's kinds
    /// (message: started, task, error: a failed or lost attempt, log: a control, done: the end), until the end record.
    /// A client that reconnects with <c>Last-Event-ID</c> (or <c>?after=</c>) gets what follows it, nothing twice.
    /// </summary>
    private static async Task EventsAsync(string id, HttpContext context, IGrainFactory grains, [FromHeader(Name = "Last-Event-ID")] string? lastEventId, long? after = null)
    {
        await OwnedAsync(id, context, grains);
        var seen = after ?? (long.TryParse(lastEventId, System.Globalization.CultureInfo.InvariantCulture, out var last) ? last : 0);
        if (seen < 0)
        {
            throw new ArgumentException($"the last event id must be a record sequence (0 or more), got {seen}");
        }

        await SseResponse.WriteAsync(context, Events(grains.GetGrain<IJournalGrain>(id), seen + 1, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<ExecutionRefResource>> Events(IJournalGrain journal, long from, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var reference in journal.TailAsync(from).WithCancellation(cancellationToken))
        {
            yield return new SseItem<ExecutionRefResource>(ApiResources.Event(reference), EventKind(reference)) { EventId = reference.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            if (reference.EndsLifetime)
            {
                yield break;
            }
        }
    }

    private static string EventKind(ExecutionRef reference) => reference.Kind switch
    {
        "started" => "message",
        "ended" => "done",
        "control" => "log",
        _ when reference.Phase is "failed" or "lost" => "error",
        _ => "task",
    };

    /// <summary>The caller's lifetime, or 404 in the same words whether it does not exist or is another tenant's.</summary>
    private static async Task<(IAgentLifetimeGrain Lifetime, LifetimeState State)> OwnedAsync(string id, HttpContext context, IGrainFactory grains)
    {
        var lifetime = grains.GetGrain<IAgentLifetimeGrain>(id);
        LifetimeState state;
        try
        {
            state = await lifetime.InspectAsync();
        }
        catch (KeyNotFoundException)
        {
            throw NotFound(id);
        }

        return state.TenantId == ApiCaller.Tenant(context) ? (lifetime, state) : throw NotFound(id);
    }

    private static KeyNotFoundException NotFound(string id) => new($"lifetime {id} not found");

    private static string Actor(string? given, HttpContext context) => given is { Length: > 0 } ? given : "api:" + ApiCaller.Tenant(context);

    /// <summary>The lifetime id an idempotency key stands for, per tenant (the same key of two tenants: two lifetimes).</summary>
    private static string IdempotentId(string tenant, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(tenant + "\n" + key));
        return LifetimeIds.Format(new Guid(hash.AsSpan(0, 16)));
    }
}
