namespace Agentic.Core.Expressions;

internal sealed class UnaryNode(int position, string op, ExpressionNode operand) : ExpressionNode(position, operand.Height + 1)
{
    public override bool ReadsNames => operand.ReadsNames;

    public override ExpressionValue Evaluate(IExpressionScope scope, string source)
    {
        var v = operand.Evaluate(scope, source);
        if (op == "-")
        {
            return v.Kind == ExpressionValueKind.Number
                ? ExpressionValue.FromNumber(-v.AsNumber)
                : throw Error($"cannot negate a {v.TypeName}", source);
        }

        return ExpressionValue.FromBoolean(!v.IsTruthy);
    }
}

internal sealed class BinaryNode(int position, string op, ExpressionNode left, ExpressionNode right) : ExpressionNode(position, Math.Max(left.Height, right.Height) + 1)
{
    // Resolved once: conditions are evaluated for every execution (guardrails, edges), the operator text never changes.
    private readonly Operator _operator = op switch
    {
        "and" => Operator.And,
        "or" => Operator.Or,
        "==" => Operator.Equal,
        "!=" => Operator.NotEqual,
        "<" => Operator.Less,
        "<=" => Operator.LessOrEqual,
        ">" => Operator.Greater,
        ">=" => Operator.GreaterOrEqual,
        "in" => Operator.In,
        "+" => Operator.Add,
        "-" => Operator.Subtract,
        "*" => Operator.Multiply,
        "/" => Operator.Divide,
        "%" => Operator.Remainder,
        _ => Operator.Unknown,
    };

    private enum Operator
    {
        Unknown,
        And,
        Or,
        Equal,
        NotEqual,
        Less,
        LessOrEqual,
        Greater,
        GreaterOrEqual,
        In,
        Add,
        Subtract,
        Multiply,
        Divide,
        Remainder,
    }

    public string Op => op;

    public ExpressionNode Left => left;

    public ExpressionNode Right => right;

    public override bool ReadsNames => left.ReadsNames || right.ReadsNames;

    public override string Describe() => $"{Left.Describe()} {Op} {Right.Describe()}";

    public override ExpressionValue Evaluate(IExpressionScope scope, string source)
    {
        switch (_operator)
        {
            case Operator.And:
                return ExpressionValue.FromBoolean(left.Evaluate(scope, source).IsTruthy && right.Evaluate(scope, source).IsTruthy);
            case Operator.Or:
                return ExpressionValue.FromBoolean(left.Evaluate(scope, source).IsTruthy || right.Evaluate(scope, source).IsTruthy);
        }

        var l = left.Evaluate(scope, source);
        var r = right.Evaluate(scope, source);
        switch (_operator)
        {
            case Operator.Equal:
                return ExpressionValue.FromBoolean(l.Equals(r));
            case Operator.NotEqual:
                return ExpressionValue.FromBoolean(!l.Equals(r));
            case Operator.Less or Operator.LessOrEqual or Operator.Greater or Operator.GreaterOrEqual:
                return Compare(l, r, source);
            case Operator.In:
                return ExpressionValue.FromBoolean(ExpressionFunctions.Contains(r, l));
            case Operator.Add when l.Kind == ExpressionValueKind.String || r.Kind == ExpressionValueKind.String:
                if (l.IsNull || r.IsNull)
                {
                    throw Error($"cannot apply '+' to a {l.TypeName} and a {r.TypeName}", source);
                }

                return ExpressionValue.FromString(l.ToString() + r.ToString());
        }

        if (l.Kind != ExpressionValueKind.Number || r.Kind != ExpressionValueKind.Number)
        {
            throw Error($"cannot apply '{op}' to a {l.TypeName} and a {r.TypeName}", source);
        }

        double a = l.AsNumber, b = r.AsNumber;
        return _operator switch
        {
            Operator.Add => ExpressionValue.FromNumber(a + b),
            Operator.Subtract => ExpressionValue.FromNumber(a - b),
            Operator.Multiply => ExpressionValue.FromNumber(a * b),
            Operator.Divide => b == 0 ? throw Error("division by zero", source) : ExpressionValue.FromNumber(a / b),
            Operator.Remainder => b == 0 ? throw Error("division by zero", source) : ExpressionValue.FromNumber(a % b),
            _ => throw Error($"unknown operator '{op}'", source),
        };
    }

    private ExpressionValue Compare(ExpressionValue l, ExpressionValue r, string source)
    {
        int c;
        if (l.Kind == ExpressionValueKind.Number && r.Kind == ExpressionValueKind.Number)
        {
            c = l.AsNumber.CompareTo(r.AsNumber);
        }
        else if (l.Kind == ExpressionValueKind.String && r.Kind == ExpressionValueKind.String)
        {
            c = string.CompareOrdinal(l.AsString, r.AsString);
        }
        else if (l.IsNull || r.IsNull)
        {
            // An absent field never satisfies an ordering, so `result.score > 3` is simply false when score is missing.
            return ExpressionValue.False;
        }
        else
        {
            throw Error($"cannot compare a {l.TypeName} with a {r.TypeName} using '{op}'", source);
        }

        return ExpressionValue.FromBoolean(_operator switch
        {
            Operator.Less => c < 0,
            Operator.LessOrEqual => c <= 0,
            Operator.Greater => c > 0,
            _ => c >= 0,
        });
    }
}
