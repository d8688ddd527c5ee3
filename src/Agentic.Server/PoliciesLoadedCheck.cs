using Agentic.Runtime.Guardrails;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Agentic.Server;

/// <summary>Ready once this silo knows every policy in force (tenants' own are read from the cluster): its lifetimes wait for that.</summary>
internal sealed class PoliciesLoadedCheck(IPolicySource? policies = null) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(policies is null || policies.Loaded.IsCompletedSuccessfully
            ? HealthCheckResult.Healthy($"policies {policies?.Current.Version ?? "none"} in force")
            : HealthCheckResult.Unhealthy("tenants' policies are not read from the cluster yet"));
}
