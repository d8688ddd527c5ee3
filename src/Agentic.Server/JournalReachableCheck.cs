using Agentic.Runtime.Journal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Agentic.Server;

/// <summary>Ready while the journal answers a query (a silo that cannot journal cannot run a step).</summary>
internal sealed class JournalReachableCheck(IJournalStore journal) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await journal.ListLifetimesAsync(null, 1, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"{journal.Profile} journal answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{journal.Profile} journal does not answer: {ex.Message}");
        }
    }
}
