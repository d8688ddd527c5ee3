namespace Agentic.Core.Expressions;

/// <summary>A parse or evaluation error; <see cref="Position"/> is the 0-based character offset in <see cref="Expression"/>.</summary>
public sealed class ExpressionException : Exception
{
    public ExpressionException(string message, string expression, int position)
        : base($"{message} at column {position + 1} of \"{Excerpt(expression, position)}\"")
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

    /// <summary>Long expressions are quoted around the error only, so that the message stays one readable line.</summary>
    private static string Excerpt(string expression, int position)
    {
        const int Around = 40;
        if (expression.Length <= 2 * Around + 20)
        {
            return expression;
        }

        var from = Math.Clamp(position - Around, 0, expression.Length);
        var to = Math.Clamp(position + Around, from, expression.Length);
        return (from > 0 ? "…" : "") + expression[from..to] + (to < expression.Length ? "…" : "");
    }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    public string Expression { get; }

    public int Position { get; }
}
