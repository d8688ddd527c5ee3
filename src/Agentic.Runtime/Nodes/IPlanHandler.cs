namespace Agentic.Runtime.Nodes;

/// <summary>Implements a Plan type: chooses the next tasks from the upstream result(s). Resolved from DI.</summary>
public interface IPlanHandler
{
    ValueTask<PlanDecision> DecideAsync(PlanContext context);
}
