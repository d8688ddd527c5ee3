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

    public ExpressionValue Evaluate(IExpressionScope scope)
    {
        try
        {
            return _root.Evaluate(scope, Text);
        }
        catch (InvalidOperationException ex)
        {
            // JSON may escape half a surrogate pair (\uD800); System.Text.Json cannot read such a string.
            throw new ExpressionException($"the data holds text that is not valid Unicode: {ex.Message}", Text, 0);
        }
    }

    /// <summary>
    /// Evaluates as a condition: true or false, and null (a missing field) is false. Any other value is an
    /// <see cref="ExpressionException"/>: a condition such as <c>result.count</c> is a mistake to report, not to
    /// guess at (it used to count as true whenever the number was not 0).
    /// </summary>
    public bool IsSatisfied(IExpressionScope scope)
    {
        var value = Evaluate(scope);
        return value.Kind switch
        {
            ExpressionValueKind.Boolean => value.AsBoolean,
            ExpressionValueKind.Null => false,
            _ => throw new ExpressionException($"a condition must give true or false, but this one gives the {value.TypeName} {Shorten(value.ToString())}", Text, 0),
        };
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 59), "…");

    public override string ToString() => Text;
}
