using Agentic.Core.Formats;
using Agentic.Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Agentic.Server.Api;

/// <summary>/v1/graphs: the calling tenant's published graphs. A published version is immutable (other content under it: 409).</summary>
internal static class GraphEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var graphs = app.MapGroup("/v1/graphs").AddEndpointFilter(ApiAuthentication.RequireTenant).WithTags("graphs").RequireRateLimiting(TenantRateLimits.Policy);
        graphs.MapPost("/", PublishAsync).WithDescription("The body is the graph: application/yaml, application/json (canonical) or text/vnd.graphviz (DOT).");
        graphs.MapGet("/", ListNamesAsync);
        graphs.MapGet("/{name}", ListAsync);
        graphs.MapGet("/{name}/{version}", GetAsync);
        graphs.MapGet("/{name}/{version}/mermaid", RenderAsync);
    }

    /// <summary>The body is the graph: YAML, canonical JSON or DOT, by its content type.</summary>
    private static async Task<IResult> PublishAsync(HttpContext context, IGrainFactory grains)
    {
        var tenant = ApiCaller.Tenant(context);
        var mediaType = context.Request.ContentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        var file = mediaType switch
        {
            "application/yaml" or "application/x-yaml" or "text/yaml" => "graph.yaml",
            "application/json" => "graph.json",
            "text/vnd.graphviz" or "text/x-dot" => "graph.dot",
            _ => null,
        };
        if (file is null)
        {
            return TypedResults.Problem($"content type '{mediaType}' is not a graph format: send application/yaml, application/json or text/vnd.graphviz", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }

        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var graph = GraphReader.Read(body.ToArray(), file);
        var published = await grains.GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of(tenant, graph.Name)).PublishAsync(graph.CanonicalJson);
        return TypedResults.Created($"/v1/graphs/{published.Name}/{published.Version}", Summary(published));
    }

    /// <summary>The tenant's published graphs with their latest version.</summary>
    private static async Task<IResult> ListNamesAsync(HttpContext context, IGrainFactory grains)
    {
        var tenant = ApiCaller.Tenant(context);
        var names = await grains.GetGrain<IGraphCatalogGrain>(tenant).ListAsync();
        var graphs = new List<object>(names.Count);
        foreach (var name in names)
        {
            var versions = await grains.GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of(tenant, name)).ListAsync();
            if (versions.Count > 0)
            {
                graphs.Add(new { name, latest = versions[^1].Version, versions = versions.Count });
            }
        }

        return TypedResults.Ok(graphs);
    }

    private static async Task<IResult> ListAsync(string name, HttpContext context, IGrainFactory grains)
    {
        var versions = await grains.GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of(ApiCaller.Tenant(context), name)).ListAsync();
        return versions.Count == 0 ? throw new KeyNotFoundException($"graph '{name}' is not published") : TypedResults.Ok(versions.Select(Summary));
    }

    private static async Task<IResult> GetAsync(string name, string version, HttpContext context, IGrainFactory grains)
    {
        var published = await grains.GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of(ApiCaller.Tenant(context), name)).GetAsync(version)
            ?? throw new KeyNotFoundException($"graph '{name}' version {version} is not published");
        return TypedResults.Text(published.GraphJson, "application/json");
    }

    /// <summary>The version drawn as a Mermaid flowchart (text/vnd.mermaid).</summary>
    private static async Task<IResult> RenderAsync(string name, string version, HttpContext context, IGrainFactory grains)
    {
        var published = await grains.GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of(ApiCaller.Tenant(context), name)).GetAsync(version)
            ?? throw new KeyNotFoundException($"graph '{name}' version {version} is not published");
        return TypedResults.Text(MermaidRenderer.Render(GraphReader.Parse(published.GraphJson, "graph.json")), "text/vnd.mermaid");
    }

    private static object Summary(PublishedGraph g) => new { name = g.Name, version = g.Version, hash = g.Hash, published_at = g.PublishedAt };
}
