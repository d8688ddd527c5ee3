namespace Agentic.Core.Expressions;

/// <summary>
/// A parsed expression of the small, safe expression language used by edge conditions, the <c>route</c> plan and
/// guardrail policies. No side effects, no loops, no reflection: evaluation is a pure function of the scope.
/// </summary>
public sealed class Expression
{
    private readonly ExpressionNode _root;

    private Expression(string text, ExpressionNode root)
    {
        Text = text;
        _root = root;
    }

    public string Text { get; }

    /// <summary>Parses <paramref name="text"/>; throws <see cref="ExpressionException"/> with the position of the first error.</summary>
    public static Expression Parse(string text) => new(text, ExpressionParser.Parse(text));

    /// <summary>Parses a guardrail condition, in which <c>sum|min|max|avg(field)</c> and <c>count()</c> aggregate over a scope.</summary>
    public static Expression ParseWithAggregates(string text, IReadOnlySet<string> aggregateFields) => new(text, ExpressionParser.Parse(text, aggregateFields));

    internal ExpressionNode Root => _root;

    /// <summary>
    /// Whether the expression reads any name from its scope. False: its value depends on nothing but the scope's
    /// aggregates (and literals), so it is the same wherever those are.
    /// </summary>
    public bool ReadsNames => _root.ReadsNames;

    public ExpressionValue Evaluate(IExpressionScope scope) => _root.Evaluate(scope, Text);

    /// <summary>Evaluates as a condition (truthiness).</summary>
    public bool IsSatisfied(IExpressionScope scope) => _root.Evaluate(scope, Text).IsTruthy;

    public override string ToString() => Text;
}
