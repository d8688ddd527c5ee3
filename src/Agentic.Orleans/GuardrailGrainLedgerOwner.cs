using Agentic.Core.Guardrails;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Journal;

namespace Agentic.Orleans;

/// <summary>The silo's side of the tenants' guardrail grains: sends a tenant's batch of charges to its grain.</summary>
internal sealed class GuardrailGrainLedgerOwner(IGrainFactory grains) : ITenantLedgerOwner
{
    public async Task<TenantLedgerState> ChargeAsync(string tenantId, IReadOnlyList<(UsageSample Sample, DateTimeOffset At)> charges, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(charges);
        var wire = charges.Select(c => new UsageCharge(c.Sample.Node, c.Sample.NodeType, c.Sample.Attempt, c.Sample.Iteration, c.Sample.Telemetry.InputTokens, c.Sample.Telemetry.OutputTokens, c.Sample.Telemetry.CostUsd, c.Sample.Telemetry.LatencyMs, c.Sample.Telemetry.Model, c.At)).ToArray();
        var snapshot = await grains.GetGrain<IGuardrailGrain>(tenantId).ChargeAsync(wire).WaitAsync(cancellationToken).ConfigureAwait(false);
        return new TenantLedgerState(tenantId, snapshot.Charges, snapshot.State);
    }
}
