using Agentic.Core.Execution;
using Agentic.Runtime.Actors;
using Agentic.Runtime.Blobs;
using Agentic.Runtime.Nodes;

namespace Agentic.Runtime.Workers;

/// <summary>
/// What every execution of one lifetime shares: made once per activation and referenced by each <see cref="NodeRun"/>
/// and node context, instead of copying these fields into both on every step.
/// </summary>
internal sealed class LifetimeRunScope(
    NodeRegistry registry,
    ExecutionDispatch workers,
    TimeProvider time,
    IActorRef<object> owner,
    ExecutableGraph graph,
    string tenantId,
    string lifetimeId,
    Payload lifetimeInput,
    PayloadOffload offload,
    CancellationToken lifetimeToken)
{
    public NodeRegistry Registry { get; } = registry;

    public ExecutionDispatch Workers { get; } = workers;

    public TimeProvider Time { get; } = time;

    /// <summary>The lifetime actor that dispatched the executions: outcomes are posted back to it.</summary>
    public IActorRef<object> Owner { get; } = owner;

    public ExecutableGraph Graph { get; } = graph;

    public string TenantId { get; } = tenantId;

    public string LifetimeId { get; } = lifetimeId;

    public Payload LifetimeInput { get; } = lifetimeInput;

    public PayloadOffload Offload { get; } = offload;

    /// <summary>Cancelled when the lifetime ends: every node still running sees it.</summary>
    public CancellationToken LifetimeToken { get; } = lifetimeToken;
}
