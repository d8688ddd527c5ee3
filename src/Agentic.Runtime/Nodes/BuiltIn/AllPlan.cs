namespace Agentic.Runtime.Nodes.BuiltIn;

/// <summary>
/// <c>all</c>: chooses every outgoing target (edge conditions still filter). With parallel edges this is a
/// fan-out; on a join plan whose only edge is final it completes the lifetime. Join results pass on as a JSON array.
/// </summary>
public sealed class AllPlan : IPlanHandler
{
    public ValueTask<PlanDecision> DecideAsync(PlanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(new PlanDecision(context.AllowedTargets));
    }
}
