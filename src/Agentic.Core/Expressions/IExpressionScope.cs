namespace Agentic.Core.Expressions;

/// <summary>Resolves the root names of an expression (<c>result</c>, <c>input</c>, <c>lifetime</c>, …).</summary>
public interface IExpressionScope
{
    bool TryResolve(string name, out ExpressionValue value);
}
