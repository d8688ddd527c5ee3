using Agentic.Core.Execution;
using Agentic.Runtime.Lifetimes;

namespace Agentic.Orleans;

/// <summary>The runtime's views as the grains' wire contracts.</summary>
internal static class LifetimeStates
{
    public static LifetimeState Of(LifetimeView v) => new(
        v.LifetimeId,
        v.TenantId,
        v.GraphName,
        v.GraphVersion,
        v.GraphHash,
        v.Phase.ToWireName(),
        v.LastSequence,
        v.Executions,
        v.Iterations,
        Data(v.Result),
        v.Reason,
        v.Awaiting.Select(a => new AwaitedExecutionState(a.ExecutionId, a.NodeName, a.NodeType, a.Attempt, a.Iteration, a.Phase.ToWireName(), Data(a.Prompt))).ToArray(),
        v.TokensUsed,
        v.CostUsd);

    public static PayloadData? Data(Payload? payload) => payload is null ? null : new PayloadData(payload.MediaType, payload.Bytes.ToArray());
}
