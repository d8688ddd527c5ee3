namespace Agentic.Runtime.Journal;

/// <summary>A tenant's guardrail ledger (<see cref="Core.Guardrails.TenantLedger"/>) serialized after its <paramref name="Charges"/>th charge (UTF-8 JSON).</summary>
public sealed record TenantLedgerState(string TenantId, long Charges, ReadOnlyMemory<byte> State);
