namespace Agentic.Core.Expressions;

/// <summary><c>sum|min|max|avg(field)</c> or <c>count()</c> over the executions of a guardrail's scope.</summary>
internal sealed class AggregateNode(int position, string function, string? field) : ExpressionNode(position)
{
    public string Function { get; } = function;

    public string? Field { get; } = field;

    public static bool IsAggregate(string name) => name is "sum" or "min" or "max" or "avg" or "count";

    public override ExpressionValue Evaluate(IExpressionScope scope, string source) =>
        scope is IAggregateScope aggregates
            ? ExpressionValue.FromNumber(aggregates.Aggregate(Function, Field))
            : throw Error($"{Describe()} needs a guardrail scope to aggregate over", source);

    public override string Describe() => $"{Function}({Field})";
}
