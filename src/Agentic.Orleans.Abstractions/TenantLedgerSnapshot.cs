namespace Agentic.Orleans;

/// <summary>A tenant's ledger as its guardrail grain holds it: the number of charges and the stored form.</summary>
[GenerateSerializer, Immutable, Alias("agentic.TenantLedgerSnapshot")]
public sealed record TenantLedgerSnapshot([property: Id(0)] long Charges, [property: Id(1)] byte[] State);
