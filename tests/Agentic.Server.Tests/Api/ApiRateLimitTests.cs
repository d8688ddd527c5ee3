using System.Net;
using System.Text.Json;

namespace Agentic.Server.Tests.Api;

/// <summary>Each tenant has a request bucket of its own: one tenant's burst is refused with 429, another's requests are not.</summary>
public sealed class ApiRateLimitTests(ApiRateLimitTests.LimitedFactory factory) : IClassFixture<ApiRateLimitTests.LimitedFactory>
{
    [Fact]
    public async Task ATenantOverItsBurst_Gets429WithRetryAfter_AndAnotherTenantIsServed()
    {
        var (_, noisy, _) = await factory.TenantAsync();
        var (_, quiet, _) = await factory.TenantAsync();
        using var _n = noisy;
        using var _q = quiet;

        // Served until the bucket of 5 is empty (a slow machine may have been given one more token meanwhile).
        var served = 0;
        HttpResponseMessage refused;
        while ((refused = await noisy.GetAsync("/v1/graphs/none")).StatusCode == HttpStatusCode.NotFound && served < 20)
        {
            served++;
        }

        Assert.InRange(served, 5, 7);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("RequestBurst", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await quiet.GetAsync("/v1/graphs/none")).StatusCode);
    }

    public sealed class LimitedFactory : ApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string>> Settings =>
        [
            new("Agentic:Server:RequestsPerSecond", "1"),
            new("Agentic:Server:RequestBurst", "5"),
        ];
    }
}
