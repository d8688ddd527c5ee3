using Agentic.Core.Expressions;

namespace Agentic.Runtime.Nodes.BuiltIn;

/// <summary>Names visible to <c>route</c> rules; the same names as edge conditions (docs/expressions.md).</summary>
internal sealed class PlanScope(PlanContext context) : IExpressionScope
{
    public bool TryResolve(string name, out ExpressionValue value)
    {
        switch (name)
        {
            case "result":
                value = context.Result.IsJson ? ExpressionValue.FromJson(context.Result.Json) : ExpressionValue.Null;
                return true;
            case "results":
                value = ExpressionValue.FromList(context.Inputs.Select(i => i.Payload.IsJson ? ExpressionValue.FromJson(i.Payload.Json) : ExpressionValue.Null).ToArray());
                return true;
            case "input":
                value = context.LifetimeInput.IsJson ? ExpressionValue.FromJson(context.LifetimeInput.Json) : ExpressionValue.Null;
                return true;
            case "node":
                value = ExpressionValue.FromString(context.NodeName);
                return true;
            case "lifetime":
                value = ExpressionValue.FromRecord(new LifetimeFields(context));
                return true;
            default:
                value = ExpressionValue.Null;
                return false;
        }
    }

    private sealed class LifetimeFields(PlanContext context) : IExpressionScope
    {
        public bool TryResolve(string name, out ExpressionValue value)
        {
            value = name switch
            {
                "id" => ExpressionValue.FromString(context.LifetimeId),
                "tenant" => ExpressionValue.FromString(context.TenantId),
                "iteration" => ExpressionValue.FromNumber(context.Iteration),
                "attempt" => ExpressionValue.FromNumber(context.Attempt),
                _ => ExpressionValue.Null,
            };
            return !value.IsNull;
        }
    }
}
