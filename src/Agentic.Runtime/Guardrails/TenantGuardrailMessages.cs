using Agentic.Core.Guardrails;
using Agentic.Runtime.Actors;
using Agentic.Runtime.Journal;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// Answer <paramref name="ReplyTo"/> with <see cref="LedgerDurable"/> (carrying <paramref name="Token"/>) once a stored
/// ledger holds the tenant's charge number <paramref name="Charge"/>.
/// </summary>
internal sealed record AwaitLedger(long Charge, IActorRef<object> ReplyTo, object Token);

/// <summary>The reply to <see cref="AwaitLedger"/>: the charge is stored (or its write failed and was logged).</summary>
internal sealed record LedgerDurable(object Token);

/// <summary>Charges were made with no one waiting for them: write the ledger behind.</summary>
internal sealed class WriteLedger
{
    public static readonly WriteLedger Instance = new();

    private WriteLedger()
    {
    }
}

/// <summary>The write-behind interval is up: write what was charged since the last write.</summary>
internal sealed class WriteBehindDue
{
    public static readonly WriteBehindDue Instance = new();

    private WriteBehindDue()
    {
    }
}

/// <summary>A failed ledger write's backoff is up while lifetimes still wait for their charges: write again.</summary>
internal sealed class RetryLedgerWrite
{
    public static readonly RetryLedgerWrite Instance = new();

    private RetryLedgerWrite()
    {
    }
}

/// <summary>Re-judge the tenant's standing now (it was missing, stale by time, or judged under another policy set); replied to with <see cref="TenantAssessed"/>.</summary>
internal sealed record AssessTenant(IActorRef<object> ReplyTo);

/// <summary>The tenant's ledger is loaded and its standing published afresh.</summary>
internal sealed record TenantAssessed(TenantStanding Standing);

/// <summary>The ledger read from the store at activation (null: none stored, or unreadable as <paramref name="Failure"/> says).</summary>
internal sealed record TenantLedgerLoaded(TenantLedger? Ledger, string? Failure);

/// <summary>A ledger write holding the first <paramref name="Charged"/> charges finished (or failed with <paramref name="Error"/>).</summary>
internal sealed record TenantLedgerWritten(long Charged, Exception? Error, TenantLedgerState? Owned = null, Core.Guardrails.TenantLedger? Unsent = null);
