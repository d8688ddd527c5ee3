using Agentic.Core.Execution;

namespace Agentic.Runtime.Nodes;

/// <summary>Context of a Task: its input is the upstream plan's payload, or the lifetime input for a start task.</summary>
public sealed class TaskContext : NodeContext
{
    internal TaskContext(ExecutionRequest request, string tenantId, string lifetimeId, Payload lifetimeInput, CancellationToken cancellation)
        : base(request, tenantId, lifetimeId, lifetimeInput, cancellation)
    {
    }

    public Payload Input => Request.Inputs[0].Payload;

    /// <summary>Which node produced the input ("input" for the lifetime input).</summary>
    public UpstreamResult Upstream => Request.Inputs[0];
}
