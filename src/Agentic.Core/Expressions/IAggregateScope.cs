namespace Agentic.Core.Expressions;

/// <summary>A scope that can aggregate a numeric field over a set of executions (guardrail conditions).</summary>
public interface IAggregateScope : IExpressionScope
{
    /// <summary><paramref name="function"/>: sum, min, max, avg or count; <paramref name="field"/> is null for <c>count()</c>.</summary>
    double Aggregate(string function, string? field);
}
