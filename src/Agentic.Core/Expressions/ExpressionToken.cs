namespace Agentic.Core.Expressions;

internal readonly record struct ExpressionToken(ExpressionTokenKind Kind, string Text, int Position, double Number = 0);
