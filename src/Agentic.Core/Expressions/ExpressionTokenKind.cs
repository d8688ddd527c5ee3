namespace Agentic.Core.Expressions;

internal enum ExpressionTokenKind
{
    End,
    Number,
    String,
    Identifier,
    Operator,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Comma,
    Dot,
}
