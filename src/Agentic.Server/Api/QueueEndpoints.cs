using System.Text.Json;
using Agentic.Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Agentic.Server.Api;

/// <summary>
/// /v1/queues: workers in any language serve the calling tenant's work queues. A worker long-polls for a lease (the
/// execution's input, config and idempotency key), heartbeats while it works, then completes or fails it. A lease
/// that is not heartbeated is taken back and its item offered again (the next offer number, the same key).
/// </summary>
internal static class QueueEndpoints
{
    private const int MaxWaitSeconds = 30;

    public static void Map(IEndpointRouteBuilder app)
    {
        var queues = app.MapGroup("/v1/queues").AddEndpointFilter(ApiAuthentication.RequireTenant).WithTags("queues").RequireRateLimiting(TenantRateLimits.Policy);
        queues.MapGet("/{queue}", StatsAsync);
        queues.MapPost("/{queue}/poll", PollAsync);
        queues.MapPost("/{queue}/leases/{leaseId}/heartbeat", HeartbeatAsync);
        queues.MapPost("/{queue}/leases/{leaseId}/complete", CompleteAsync);
        queues.MapPost("/{queue}/leases/{leaseId}/fail", FailAsync);
    }

    private static IWorkQueueGrain Queue(string queue, HttpContext context, IGrainFactory grains) =>
        grains.GetGrain<IWorkQueueGrain>(WorkQueueKey.Of(ApiCaller.Tenant(context), queue));

    private static async Task<IResult> StatsAsync(string queue, HttpContext context, IGrainFactory grains)
    {
        var stats = await Queue(queue, context, grains).StatsAsync();
        return TypedResults.Ok(new { queue, waiting = stats.Waiting, leased = stats.Leased, done = stats.Done });
    }

    /// <summary>A lease (200), or 204 when no item came within <paramref name="wait"/> seconds (at most 30).</summary>
    private static async Task<IResult> PollAsync(string queue, HttpContext context, IGrainFactory grains, int wait = 20, string? worker = null)
    {
        if (wait is < 0 or > MaxWaitSeconds)
        {
            throw new ArgumentException($"wait must be between 0 and {MaxWaitSeconds} seconds, got {wait}");
        }

        var lease = await Queue(queue, context, grains).PollAsync(worker is { Length: > 0 } ? worker : "anonymous", TimeSpan.FromSeconds(wait));
        return lease is null ? TypedResults.NoContent() : TypedResults.Ok(Resource(queue, lease));
    }

    private static async Task<IResult> HeartbeatAsync(string queue, string leaseId, HttpContext context, IGrainFactory grains) =>
        TypedResults.Ok(Resource(queue, await Queue(queue, context, grains).HeartbeatAsync(leaseId)));

    private static async Task<IResult> CompleteAsync(string queue, string leaseId, JsonElement body, HttpContext context, IGrainFactory grains)
    {
        var result = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("result", out var r)
            ? r.GetRawText()
            : throw new ArgumentException("the body must be {\"result\": <the execution's result as JSON>}");
        await Queue(queue, context, grains).ReportAsync(leaseId, new WorkOutcome(result, null));
        return TypedResults.NoContent();
    }

    private static async Task<IResult> FailAsync(string queue, string leaseId, JsonElement body, HttpContext context, IGrainFactory grains)
    {
        var error = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } text
            ? text
            : throw new ArgumentException("the body must be {\"error\": \"<what went wrong>\"}");
        await Queue(queue, context, grains).ReportAsync(leaseId, new WorkOutcome(null, error));
        return TypedResults.NoContent();
    }

    private static object Resource(string queue, WorkLease lease) => new
    {
        queue,
        lease_id = lease.LeaseId,
        deadline = lease.Deadline,
        offer = lease.Offer,
        execution_id = lease.Item.ExecutionId,
        lifetime_id = lease.Item.LifetimeId,
        node = lease.Item.Node,
        attempt = lease.Item.Attempt,
        idempotency_key = lease.Item.IdempotencyKey,
        input = JsonDocument.Parse(lease.Item.InputJson).RootElement,
        config = JsonDocument.Parse(lease.Item.ConfigJson).RootElement,
    };
}
