using System.Net.ServerSentEvents;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agentic.Server.Api;

/// <summary>
/// Writes server-sent events, sending the response's headers at once: a client waiting for them learns the stream is
/// open before the first event (a waiting lifetime may not have one for hours), and proxies see it is a stream.
/// </summary>
internal static class SseResponse
{
    public static async Task WriteAsync<T>(HttpContext context, IAsyncEnumerable<SseItem<T>> items)
    {
        var json = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.Body.FlushAsync(context.RequestAborted);
        try
        {
            await SseFormatter.WriteAsync(items, context.Response.Body, (item, writer) =>
            {
                using var w = new Utf8JsonWriter(writer);
                JsonSerializer.Serialize(w, item.Data, json);
            }, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nothing to answer.
        }
    }
}
