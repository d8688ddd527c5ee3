using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Agentic.Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Agentic.Server.Api;

/// <summary>
/// GET /v1/events: the calling tenant's lifetimes changing phase, live, as server-sent events ("phase"; id
/// <c>{epoch}.{position}</c>). A reconnect with Last-Event-ID continues after it while the feed keeps it (the last
/// 4,096 changes of one feed activation); otherwise it starts from the oldest kept, after a "gap" event saying that
/// changes were missed (a live view: GET /v1/lifetimes is the complete, durable listing to read again).
/// </summary>
internal static class TenantEventEndpoints
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapGroup("/v1").AddEndpointFilter(ApiAuthentication.RequireTenant).WithTags("events").RequireRateLimiting(TenantRateLimits.Policy)
            .MapGet("/events", Events).Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

    private static Task Events(HttpContext context, IGrainFactory grains, [FromHeader(Name = "Last-Event-ID")] string? lastEventId)
    {
        string? epoch = null;
        long after = 0;
        if (lastEventId is { Length: > 0 })
        {
            var dot = lastEventId.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || !long.TryParse(lastEventId[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out after))
            {
                throw new ArgumentException($"Last-Event-ID '{lastEventId}' is not an id of this stream ({{epoch}}.{{position}})");
            }

            epoch = lastEventId[..dot];
        }

        return SseResponse.WriteAsync(context, Follow(grains.GetGrain<ITenantFeedGrain>(ApiCaller.Tenant(context)), epoch, after, context.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<object>> Follow(ITenantFeedGrain feed, string? epoch, long after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var resumed = epoch is not null;
        while (!cancellationToken.IsCancellationRequested)
        {
            TenantFeedPage page;
            try
            {
                page = await feed.ReadAsync(epoch, after, TimeSpan.FromSeconds(15)).WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }

            if (resumed && (page.Epoch != epoch || page.First > after + 1))
            {
                // The reader missed changes: the feed was restarted (another epoch) or has dropped them since.
                yield return new SseItem<object>(new { reason = page.Epoch != epoch ? "the feed restarted since that event" : "the feed no longer keeps the changes after that event", relist = "/v1/lifetimes" }, "gap");
            }

            resumed = false;
            epoch = page.Epoch;
            var position = page.First;
            foreach (var e in page.Events)
            {
                yield return new SseItem<object>(new { lifetime_id = e.LifetimeId, graph = e.Graph, version = e.Version, phase = e.Phase, sequence = e.Sequence, at = e.At }, "phase")
                {
                    EventId = $"{page.Epoch}.{position.ToString(CultureInfo.InvariantCulture)}",
                };
                after = position++;
            }
        }
    }
}
