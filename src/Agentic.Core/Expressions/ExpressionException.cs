namespace Agentic.Core.Expressions;

/// <summary>A parse or evaluation error; <see cref="Position"/> is the 0-based character offset in <see cref="Expression"/>.</summary>
public sealed class ExpressionException : Exception
{
    public ExpressionException(string message, string expression, int position)
        : base($"{message} at column {position + 1} of \"{expression}\"")
    {
        Reason = message;
        Expression = expression;
        Position = position;
    }

    public ExpressionException()
    {
        Reason = string.Empty;
        Expression = string.Empty;
    }

    public ExpressionException(string message)
        : base(message)
    {
        Reason = message;
        Expression = string.Empty;
    }

    public ExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
        Expression = string.Empty;
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    public string Expression { get; }

    public int Position { get; }
}
