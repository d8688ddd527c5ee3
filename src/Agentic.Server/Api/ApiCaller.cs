using System.Security.Cryptography;
using System.Text;
using Agentic.Orleans;
using Microsoft.AspNetCore.Http;

namespace Agentic.Server.Api;

/// <summary>
/// Who is calling: a tenant (its API key, <c>Authorization: Bearer agk_…</c> or <c>X-Api-Key</c>) or the admin (the
/// key in <c>Agentic:Server:AdminKey</c>). Resolved once per request by <see cref="ApiAuthentication"/>.
/// </summary>
internal sealed record ApiCaller(string? TenantId, bool IsAdmin)
{
    private const string ItemKey = "agentic.caller";

    public static ApiCaller? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var caller) ? caller as ApiCaller : null;

    /// <summary>The calling tenant; every tenant endpoint runs behind <see cref="ApiAuthentication.RequireTenant"/>.</summary>
    public static string Tenant(HttpContext context) => Of(context)?.TenantId ?? throw new InvalidOperationException("no tenant resolved for this request");

    public static async Task<ApiCaller?> ResolveAsync(HttpContext context, IGrainFactory grains, string? adminKey)
    {
        if (context.Items.TryGetValue(ItemKey, out var known))
        {
            return known as ApiCaller;
        }

        ApiCaller? caller = null;
        if (Presented(context.Request) is { Length: > 0 } secret)
        {
            if (adminKey is { Length: > 0 } && FixedTimeEquals(secret, adminKey))
            {
                caller = new ApiCaller(null, IsAdmin: true);
            }
            else if (secret.StartsWith(ApiKeySecret.Prefix, StringComparison.Ordinal) &&
                await grains.GetGrain<IApiKeyGrain>(ApiKeySecret.Hash(secret)).GetTenantAsync() is { } tenant)
            {
                caller = new ApiCaller(tenant, IsAdmin: false);
            }
        }

        context.Items[ItemKey] = caller;
        return caller;
    }

    private static string? Presented(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        return request.Headers.TryGetValue("X-Api-Key", out var key) ? key.ToString().Trim() : null;
    }

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));
}
