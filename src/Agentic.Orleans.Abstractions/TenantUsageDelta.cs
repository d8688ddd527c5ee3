namespace Agentic.Orleans;

/// <summary>
/// What one silo charged a tenant since its last flush: <paramref name="Charges"/> executions, summed per window
/// bucket in <paramref name="State"/> (the ledger's stored JSON format). Its size does not grow with the charges.
/// </summary>
[GenerateSerializer, Immutable, Alias("agentic.TenantUsageDelta")]
public sealed record TenantUsageDelta([property: Id(0)] long Charges, [property: Id(1)] byte[] State);
