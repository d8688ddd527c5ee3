namespace Agentic.Core.Expressions;

/// <summary>A function callable from expressions; <see cref="MinArgs"/>/<see cref="MaxArgs"/> are checked at parse time.</summary>
public sealed record ExpressionFunction(string Name, int MinArgs, int MaxArgs, string Signature, Func<ExpressionValue[], ExpressionValue> Invoke);
