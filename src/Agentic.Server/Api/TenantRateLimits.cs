using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Agentic.Server.Api;

/// <summary>
/// Each tenant's requests through a token bucket of its own (<see cref="ApiOptions.RequestsPerSecond"/>,
/// <see cref="ApiOptions.RequestBurst"/>), so one tenant's burst never slows another's; over it: 429 with
/// Retry-After, as a problem document. The caller is resolved first (a middleware before the limiter); requests
/// without a valid key share one bucket and are refused (401) by the endpoints anyway.
/// </summary>
internal static class TenantRateLimits
{
    public const string Policy = "per-tenant";

    public static IServiceCollection AddTenantRateLimits(this IServiceCollection services, ApiOptions api)
    {
        return services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, context => api.RequestsPerSecond <= 0
                ? RateLimitPartition.GetNoLimiter("unlimited")
                : RateLimitPartition.GetTokenBucketLimiter(ApiCaller.Of(context)?.TenantId ?? (ApiCaller.Of(context)?.IsAdmin == true ? "(admin)" : "(anonymous)"), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, api.RequestBurst),
                    TokensPerPeriod = api.RequestsPerSecond,
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }));
            o.OnRejected = async (rejected, cancellationToken) =>
            {
                var http = rejected.HttpContext;
                var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"this tenant made more than {api.RequestBurst} requests at once or {api.RequestsPerSecond} per second on average (Agentic:Server:RequestBurst, RequestsPerSecond); retry after {http.Response.Headers.RetryAfter} s",
                    },
                });
            };
        });
    }

    /// <summary>Resolves the caller of every /v1 request, then applies its tenant's bucket.</summary>
    public static void UseTenantRateLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
            {
                var services = context.RequestServices;
                await ApiCaller.ResolveAsync(context, services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<IOptions<ApiOptions>>().Value.AdminKey);
            }

            await next(context);
        });
        app.UseRateLimiter();
    }
}
