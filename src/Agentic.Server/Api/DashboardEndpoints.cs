using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Agentic.Server.Api;

/// <summary>
/// The dashboard: three files embedded in the server (no build step, no CDN: it works offline), served at /dashboard/.
/// It holds no secret: the page asks for a tenant's API key and calls the /v1 API with it.
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly Dictionary<string, (string Resource, string MediaType)> Files = new(StringComparer.Ordinal)
    {
        [""] = ("index.html", "text/html; charset=utf-8"),
        ["app.js"] = ("app.js", "text/javascript; charset=utf-8"),
        ["app.css"] = ("app.css", "text/css; charset=utf-8"),
    };

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Redirect("/dashboard/")).ExcludeFromDescription();
        app.MapGet("/dashboard/{file?}", (string? file, HttpContext context) =>
        {
            if (!Files.TryGetValue(file ?? string.Empty, out var served))
            {
                throw new KeyNotFoundException($"the dashboard has no file '{file}'");
            }

            var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("Agentic.Server.Dashboard." + served.Resource)
                ?? throw new InvalidOperationException($"the dashboard's {served.Resource} is missing from this build");
            context.Response.Headers.CacheControl = "no-cache";
            context.Response.Headers["Content-Security-Policy"] = "default-src 'self'; style-src 'self'; img-src 'self' data:";
            return Results.Stream(stream, served.MediaType);
        }).ExcludeFromDescription();
    }
}
