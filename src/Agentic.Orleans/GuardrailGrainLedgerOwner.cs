using Agentic.Core.Guardrails;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Journal;

namespace Agentic.Orleans;

/// <summary>The silo's side of the tenants' guardrail grains: sends what it charged a tenant since its last flush to the tenant's grain.</summary>
internal sealed class GuardrailGrainLedgerOwner(IGrainFactory grains, TimeProvider time) : ITenantLedgerOwner
{
    public async Task<TenantLedgerState> ChargeAsync(string tenantId, TenantLedger charges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(charges);
        var usage = new TenantUsageDelta(charges.Charges, charges.Capture(time.GetUtcNow()));
        var snapshot = await grains.GetGrain<IGuardrailGrain>(tenantId).ChargeAsync(usage).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new TenantLedgerState(tenantId, snapshot.Charges, snapshot.State);
    }

    public async Task<IReadOnlyList<UnrecordedCharge>> UnrecordedAsync(string tenantId, string lifetimeId, CancellationToken cancellationToken)
    {
        var kept = await grains.GetGrain<IGuardrailGrain>(tenantId).GetUnrecordedAsync(lifetimeId).WaitAsync(cancellationToken).ConfigureAwait(false);
        return kept.Select(c => new UnrecordedCharge(lifetimeId, c.ExecutionId, c.Attempt, new Core.Execution.ExecutionTelemetry(c.InputTokens, c.OutputTokens, c.CostUsd, c.LatencyMs, c.Model)) { Activation = c.Activation, Certain = c.Certain }).ToList();
    }
}
