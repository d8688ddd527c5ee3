using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agentic.Server.Api;

/// <summary>Endpoint filters: tenant endpoints need a tenant's key, admin endpoints the admin key; otherwise 401 as a problem document.</summary>
internal static class ApiAuthentication
{
    public static async ValueTask<object?> RequireTenant(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var caller = await ResolveAsync(context.HttpContext);
        return caller?.TenantId is null ? Unauthorized("a tenant API key is required (Authorization: Bearer agk_…)") : await next(context);
    }

    public static async ValueTask<object?> RequireAdmin(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var caller = await ResolveAsync(context.HttpContext);
        return caller is { IsAdmin: true } ? await next(context) : Unauthorized("the admin key is required (Agentic:Server:AdminKey)");
    }

    private static Task<ApiCaller?> ResolveAsync(HttpContext context)
    {
        var services = context.RequestServices;
        return ApiCaller.ResolveAsync(context, services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<IOptions<ApiOptions>>().Value.AdminKey);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
}
