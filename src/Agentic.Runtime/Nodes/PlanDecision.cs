using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes;

/// <summary>
/// What a Plan returns: <c>next_task_names</c> (empty ends this branch; <c>end</c> takes the final edge) and,
/// optionally, the payload the chosen tasks receive. Without one, the upstream result passes through (for a join,
/// a JSON array of the branch results).
/// </summary>
public sealed record PlanDecision(IReadOnlyList<string> NextTaskNames, Payload? Payload = null)
{
    public static PlanDecision End(Payload? payload = null) => new([GraphEdge.End], payload);

    public static PlanDecision To(params string[] names) => new(names);

    public static PlanDecision Stop() => new([]);

    public PlanDecision WithPayload(Payload payload) => this with { Payload = payload };
}
