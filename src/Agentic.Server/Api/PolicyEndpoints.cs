using Agentic.Core.Guardrails;
using Agentic.Orleans;
using Agentic.Runtime.Guardrails;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Server.Api;

/// <summary>
/// /v1/policies: the calling tenant's own guardrail policies (one YAML file, docs/policies.md), enforced on its
/// lifetimes beside the operator's; named <c>TENANT/NAME</c> in the decisions they make.
/// </summary>
internal static class PolicyEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var policies = app.MapGroup("/v1/policies").AddEndpointFilter(ApiAuthentication.RequireTenant).WithTags("policies").RequireRateLimiting(TenantRateLimits.Policy);
        policies.MapGet("/", GetAsync).WithDescription("The tenant's own policy file (text and policies read from it), and every policy in force for its lifetimes (the operator's that apply to it, then its own).");
        policies.MapPut("/", PutAsync).WithDescription("The body is the tenant's policy file (application/yaml), replacing the previous one; in force on every silo within a second. 400 naming every problem with its line.");
        policies.MapDelete("/", DeleteAsync);
        policies.MapPost("/validate", (Delegate)ValidateAsync).WithDescription("The body is a policy file (application/yaml), checked as PUT would without storing it: 200 with the policies read, or 400 naming every problem with its line.");
    }

    private static async Task<IResult> GetAsync(HttpContext context, IGrainFactory grains, IServiceProvider services)
    {
        var tenant = ApiCaller.Tenant(context);
        var document = await grains.GetGrain<IPolicyCatalogGrain>(IPolicyCatalogGrain.Key).GetAsync(tenant);
        var current = services.GetService<IPolicySource>()?.Current ?? PolicySet.Empty;
        return TypedResults.Ok(new
        {
            version = document?.Version,
            uploaded_at = document?.UploadedAt,
            text = document?.Text,
            policies = document is null ? [] : Stored(tenant, document),
            in_force = new
            {
                version = current.Version,
                policies = current.Policies.Where(p => p.Tenant is null || p.Tenant == tenant).Select(p => Describe(tenant, p)),
            },
        });
    }

    private static async Task<IResult> PutAsync(HttpContext context, IGrainFactory grains, IServiceProvider services)
    {
        var tenant = ApiCaller.Tenant(context);
        if (await ReadYamlAsync(context) is not { } text)
        {
            return NotYaml(context);
        }

        // Read here first: a refusal then names every problem with its line (the grain checks again before storing).
        var set = PolicyReader.ReadTenant(tenant, text);
        var catalog = grains.GetGrain<IPolicyCatalogGrain>(IPolicyCatalogGrain.Key);
        var stored = await catalog.PutAsync(tenant, text);
        await ApplyHereAsync(catalog, services);
        return TypedResults.Ok(new { version = stored.Version, uploaded_at = stored.UploadedAt, policies = Describe(tenant, set) });
    }

    private static async Task<IResult> DeleteAsync(HttpContext context, IGrainFactory grains, IServiceProvider services)
    {
        var tenant = ApiCaller.Tenant(context);
        var catalog = grains.GetGrain<IPolicyCatalogGrain>(IPolicyCatalogGrain.Key);
        if (!await catalog.DeleteAsync(tenant))
        {
            throw new KeyNotFoundException($"tenant '{tenant}' has no policies of its own");
        }

        await ApplyHereAsync(catalog, services);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> ValidateAsync(HttpContext context)
    {
        var tenant = ApiCaller.Tenant(context);
        if (await ReadYamlAsync(context) is not { } text)
        {
            return NotYaml(context);
        }

        var set = PolicyReader.ReadTenant(tenant, text);
        return TypedResults.Ok(new { version = set.Version, policies = Describe(tenant, set) });
    }

    /// <summary>This silo enforces a change at once (the others when they next ask, within a second).</summary>
    private static async Task ApplyHereAsync(IPolicyCatalogGrain catalog, IServiceProvider services)
    {
        if (services.GetService<TenantPolicySource>() is { } source && await catalog.ReadIfChangedAsync(source.Revision) is { } changes)
        {
            source.Apply(changes);
        }
    }

    private static async Task<string?> ReadYamlAsync(HttpContext context)
    {
        var mediaType = context.Request.ContentType?.Split(';', 2)[0].Trim().ToLowerInvariant();
        if (mediaType is not ("application/yaml" or "application/x-yaml" or "text/yaml" or "text/plain"))
        {
            return null;
        }

        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotYaml(HttpContext context) =>
        TypedResults.Problem($"content type '{context.Request.ContentType}' is not a policy file: send application/yaml", statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");

    /// <summary>The stored file's policies; one this build no longer reads shows none (its silos keep the set they read before).</summary>
    private static List<object> Stored(string tenant, TenantPolicyDocument document)
    {
        try
        {
            return Describe(tenant, PolicyReader.ReadTenant(tenant, document.Text)).ToList();
        }
        catch (PolicyValidationException)
        {
            return [];
        }
    }

    private static IEnumerable<object> Describe(string tenant, PolicySet set) => set.Policies.Select(p => Describe(tenant, p));

    private static object Describe(string tenant, GuardrailPolicy policy) => new
    {
        name = policy.Name,
        own = policy.Tenant == tenant && policy.Name.StartsWith(tenant + "/", StringComparison.Ordinal),
        scope = PolicyNames.Of(policy.Scope),
        action = PolicyNames.Of(policy.Action),
        window = policy.Window is { } w ? Core.Formats.DurationText.Format(w) : null,
        graph = policy.Graph,
    };
}
