using Agentic.Runtime.Actors;

namespace Agentic.Runtime.Guardrails;

/// <summary>What lifetimes of one tenant share: the address of its guardrail actor and its published standing.</summary>
internal sealed class TenantBudget(string tenantId, IActorRef<object> actor)
{
    private volatile TenantStanding? _standing;

    public string TenantId { get; } = tenantId;

    public IActorRef<object> Actor { get; } = actor;

    /// <summary>Null until the actor has loaded the tenant's ledger and judged it once.</summary>
    public TenantStanding? Standing
    {
        get => _standing;
        set => _standing = value;
    }
}
