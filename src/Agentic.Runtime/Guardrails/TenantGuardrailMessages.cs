using Agentic.Core.Guardrails;
using Agentic.Runtime.Actors;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// Charge one finished execution to its tenant and judge it against the tenant-scope policies for
/// <paramref name="Graph"/>. Replied to (with <paramref name="Token"/>) once the charge is durable.
/// </summary>
internal sealed record ChargeTenant(UsageSample Sample, string Graph, string LifetimeId, IActorRef<object> ReplyTo, object Token);

/// <summary>The reply to <see cref="ChargeTenant"/>: the most severe tenant-scope decision for that execution, if any.</summary>
internal sealed record TenantCharged(object Token, PolicyDecision? Decision, string PolicySetVersion);

/// <summary>Re-judge the tenant's standing now (it was missing, stale by time, or judged under another policy set); replied to with <see cref="TenantAssessed"/>.</summary>
internal sealed record AssessTenant(IActorRef<object> ReplyTo);

/// <summary>The tenant's standing is published afresh.</summary>
internal sealed record TenantAssessed(TenantStanding Standing);

/// <summary>The ledger read from the store at activation (null: none stored, or unreadable as <paramref name="Failure"/> says).</summary>
internal sealed record TenantLedgerLoaded(TenantLedger? Ledger, string? Failure);

/// <summary>A ledger write finished: release the replies of the charges it made durable.</summary>
internal sealed record TenantLedgerWritten(List<(IActorRef<object> ReplyTo, TenantCharged Reply)> Replies, Exception? Error);
