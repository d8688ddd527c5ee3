using Agentic.Core.Expressions;

namespace Agentic.Core.Guardrails;

/// <summary>
/// A policy's <c>when</c>: a Core expression in which <c>sum|min|max|avg(field)</c> and <c>count()</c> aggregate over the
/// policy's scope, and plain names (<c>latency_ms</c>, <c>node</c>, …) are the execution being judged.
/// </summary>
public sealed class PolicyCondition
{
    private static readonly HashSet<string> Aggregatable = new(UsageSample.Fields, StringComparer.Ordinal);
    private readonly (ExpressionNode Subject, double Threshold)? _measured;

    private PolicyCondition(Expression expression)
    {
        Expression = expression;
        _measured = FirstThreshold(expression.Root);
    }

    public Expression Expression { get; }

    public string Text => Expression.Text;

    /// <summary>
    /// True when the condition reads only aggregates: judged on an execution it gives what it gives on the totals with
    /// that execution added, with no execution at all.
    /// </summary>
    public bool ReadsOnlyTotals => !Expression.ReadsNames;

    /// <summary>Parses a condition; throws <see cref="ExpressionException"/> with the column of the first error.</summary>
    public static PolicyCondition Parse(string text) => new(Expression.ParseWithAggregates(text, Aggregatable));

    public bool Holds(GuardrailScope scope) => Expression.IsSatisfied(scope);

    /// <summary>
    /// What the decision names as measured: the first comparison against a number (<c>sum(tokens_used) &gt; 10000</c>
    /// measures <c>sum(tokens_used)</c> against 10000); a condition without one reports its truth value against 1.
    /// </summary>
    public (string Subject, double Measured, double Threshold) Measure(GuardrailScope scope)
    {
        if (_measured is { } m)
        {
            var value = m.Subject.Evaluate(scope, Text);
            if (value.Kind == ExpressionValueKind.Number)
            {
                return (m.Subject.Describe(), value.AsNumber, m.Threshold);
            }
        }

        return (Text, Holds(scope) ? 1 : 0, 1);
    }

    public override string ToString() => Text;

    private static (ExpressionNode, double)? FirstThreshold(ExpressionNode node)
    {
        if (node is not BinaryNode b)
        {
            return null;
        }

        if (b.Op is "<" or "<=" or ">" or ">=" or "==" or "!=")
        {
            if (b.Right is LiteralNode { Value.Kind: ExpressionValueKind.Number } r)
            {
                return (b.Left, r.Value.AsNumber);
            }

            if (b.Left is LiteralNode { Value.Kind: ExpressionValueKind.Number } l)
            {
                return (b.Right, l.Value.AsNumber);
            }
        }

        return FirstThreshold(b.Left) ?? FirstThreshold(b.Right);
    }
}
