using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Agentic.Server;

/// <summary>Ready once this silo is an active member of its cluster (it takes grains and calls).</summary>
internal sealed class SiloJoinedCheck(ILocalSiloDetails local, IClusterMembershipService membership) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {local.SiloAddress} is active")
            : HealthCheckResult.Unhealthy($"silo {local.SiloAddress} is {status}"));
    }
}
