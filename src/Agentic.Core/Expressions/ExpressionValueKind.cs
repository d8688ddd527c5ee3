namespace Agentic.Core.Expressions;

public enum ExpressionValueKind
{
    Null,
    Boolean,
    Number,
    String,

    /// <summary>A JSON object or array taken from a payload.</summary>
    Json,

    /// <summary>A list built in the expression (<c>[1, 2]</c>).</summary>
    List,

    /// <summary>A named set of fields supplied by the host (e.g. <c>lifetime</c>), read with <c>.field</c>.</summary>
    Record,
}
