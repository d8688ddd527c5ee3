using Agentic.Client;
using Agentic.Orleans;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Agentic.Server.Api;

/// <summary>/v1/tenants (admin key): create tenants, issue and revoke their API keys.</summary>
internal static class TenantEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var tenants = app.MapGroup("/v1/tenants").AddEndpointFilter(ApiAuthentication.RequireAdmin).WithTags("tenants").RequireRateLimiting(TenantRateLimits.Policy);
        tenants.MapPost("/", CreateAsync);
        tenants.MapGet("/{id}", GetAsync);
        tenants.MapPost("/{id}/keys", IssueKeyAsync);
        tenants.MapDelete("/{id}/keys/{keyId}", RevokeKeyAsync);
    }

    private static async Task<IResult> CreateAsync(CreateTenantRequest request, IGrainFactory grains)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Id, "id");
        var created = await grains.GetGrain<ITenantGrain>(request.Id).CreateAsync(request.DisplayName);
        return TypedResults.Created($"/v1/tenants/{created.Id}", created);
    }

    private static async Task<IResult> GetAsync(string id, IGrainFactory grains) =>
        await grains.GetGrain<ITenantGrain>(id).GetAsync() is { } tenant ? TypedResults.Ok(tenant) : throw new KeyNotFoundException($"tenant '{id}' does not exist");

    private static async Task<IResult> IssueKeyAsync(string id, IssueKeyRequest request, IGrainFactory grains)
    {
        var issued = await grains.GetGrain<ITenantGrain>(id).IssueKeyAsync(request.Name);
        return TypedResults.Created($"/v1/tenants/{id}/keys/{issued.Key.Id}", new { tenant_id = issued.TenantId, id = issued.Key.Id, name = issued.Key.Name, created_at = issued.Key.CreatedAt, secret = issued.Secret });
    }

    private static async Task<IResult> RevokeKeyAsync(string id, string keyId, IGrainFactory grains) =>
        await grains.GetGrain<ITenantGrain>(id).RevokeKeyAsync(keyId) ? TypedResults.NoContent() : throw new KeyNotFoundException($"tenant '{id}' has no key '{keyId}'");
}
