namespace Agentic.Orleans;

/// <summary>
/// What one silo charged a tenant since its last flush: <paramref name="Charges"/> executions, summed per window
/// bucket in <paramref name="State"/> (the ledger's stored JSON format). Its totals do not grow with the charges; beside
/// them it carries the charges whose records are not confirmed yet and the confirmations since the last flush.
/// </summary>
[GenerateSerializer, Immutable, Alias("agentic.TenantUsageDelta")]
public sealed record TenantUsageDelta([property: Id(0)] long Charges, [property: Id(1)] byte[] State);
