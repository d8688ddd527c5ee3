using Agentic.Core.Validation;
using System.Globalization;

namespace Agentic.Core.Expressions;

/// <summary>Recursive-descent parser. Precedence, lowest first: or, and, not, comparison/in, + -, * / %, unary -, postfix.</summary>
internal sealed class ExpressionParser
{
    private readonly string _text;
    private readonly List<ExpressionToken> _tokens;
    private readonly IReadOnlySet<string>? _aggregateFields;
    private int _at;
    private int _nesting;

    private ExpressionParser(string text, IReadOnlySet<string>? aggregateFields)
    {
        _text = text;
        _tokens = ExpressionLexer.Tokenize(text);
        _aggregateFields = aggregateFields;
    }

    /// <param name="text">The expression.</param>
    /// <param name="aggregateFields">
    /// When set (guardrail policies), <c>sum|min|max|avg(field)</c> and <c>count()</c> over one of these fields
    /// aggregate over the policy's scope instead of calling the list functions.
    /// </param>
    public static ExpressionNode Parse(string text, IReadOnlySet<string>? aggregateFields = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ExpressionException("empty expression", text ?? string.Empty, 0);
        }

        if (text.Length > InputLimits.MaxExpressionLength)
        {
            throw new ExpressionException($"expression is {text.Length} characters long; the limit is {InputLimits.MaxExpressionLength}", text, InputLimits.MaxExpressionLength);
        }

        var parser = new ExpressionParser(text, aggregateFields);
        var node = parser.ParseOr();
        if (parser.Current.Kind != ExpressionTokenKind.End)
        {
            throw parser.Error($"unexpected '{parser.Current.Text}' after a complete expression");
        }

        return node;
    }

    private ExpressionToken Current => _tokens[_at];

    private ExpressionToken Advance() => _tokens[_at++];

    private bool IsWord(string word) => Current.Kind == ExpressionTokenKind.Identifier && Current.Text == word;

    private bool IsOperator(string op) => Current.Kind == ExpressionTokenKind.Operator && Current.Text == op;

    private ExpressionException Error(string message) => new(message, _text, Current.Position);

    private ExpressionNode ParseOr()
    {
        Enter();
        var left = ParseAnd();
        while (IsWord("or") || IsOperator("||"))
        {
            var pos = Advance().Position;
            left = Bounded(new BinaryNode(pos, "or", left, ParseAnd()));
        }

        _nesting--;
        return left;
    }

    /// <summary>Parentheses, lists, calls and unary operators recurse: bounded so that no input overflows the stack.</summary>
    private void Enter()
    {
        if (++_nesting > InputLimits.MaxExpressionDepth)
        {
            throw Error($"expression nests deeper than {InputLimits.MaxExpressionDepth} levels");
        }
    }

    /// <summary>A chain such as a or b or c … builds one level per operator: evaluation recurses that deep, so it is bounded too.</summary>
    private T Bounded<T>(T node)
        where T : ExpressionNode =>
        node.Height > InputLimits.MaxExpressionDepth
            ? throw new ExpressionException($"expression nests deeper than {InputLimits.MaxExpressionDepth} levels (a chain of {node.Height} operators; split the condition or use 'in' with a list)", _text, node.Position)
            : node;

    private ExpressionNode ParseAnd()
    {
        var left = ParseNot();
        while (IsWord("and") || IsOperator("&&"))
        {
            var pos = Advance().Position;
            left = Bounded(new BinaryNode(pos, "and", left, ParseNot()));
        }

        return left;
    }

    private ExpressionNode ParseNot()
    {
        if (IsWord("not") || IsOperator("!"))
        {
            var pos = Advance().Position;
            Enter();
            var operand = ParseNot();
            _nesting--;
            return Bounded(new UnaryNode(pos, "not", operand));
        }

        return ParseComparison();
    }

    private ExpressionNode ParseComparison()
    {
        var left = ParseAdditive();
        if (Current.Kind == ExpressionTokenKind.Operator && Current.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
        {
            var token = Advance();
            var right = ParseAdditive();
            if (Current.Kind == ExpressionTokenKind.Operator && Current.Text is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                throw Error("comparisons cannot be chained; combine them with 'and'");
            }

            return Bounded(new BinaryNode(token.Position, token.Text, left, right));
        }

        if (IsWord("in"))
        {
            var pos = Advance().Position;
            return Bounded(new BinaryNode(pos, "in", left, ParseAdditive()));
        }

        return left;
    }

    private ExpressionNode ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (IsOperator("+") || IsOperator("-"))
        {
            var token = Advance();
            left = Bounded(new BinaryNode(token.Position, token.Text, left, ParseMultiplicative()));
        }

        return left;
    }

    private ExpressionNode ParseMultiplicative()
    {
        var left = ParseUnary();
        while (IsOperator("*") || IsOperator("/") || IsOperator("%"))
        {
            var token = Advance();
            left = Bounded(new BinaryNode(token.Position, token.Text, left, ParseUnary()));
        }

        return left;
    }

    private ExpressionNode ParseUnary()
    {
        if (IsOperator("-"))
        {
            var pos = Advance().Position;
            Enter();
            var operand = ParseUnary();
            _nesting--;
            return Bounded(new UnaryNode(pos, "-", operand));
        }

        return ParsePostfix(ParsePrimary());
    }

    private ExpressionNode ParsePostfix(ExpressionNode node)
    {
        while (true)
        {
            if (Current.Kind == ExpressionTokenKind.Dot)
            {
                Advance();
                if (Current.Kind != ExpressionTokenKind.Identifier)
                {
                    throw Error("expected a field name after '.'");
                }

                var name = Advance();
                node = Bounded(new MemberNode(name.Position, node, name.Text));
            }
            else if (Current.Kind == ExpressionTokenKind.LeftBracket)
            {
                var pos = Advance().Position;
                var index = ParseOr();
                Expect(ExpressionTokenKind.RightBracket, "']'");
                node = Bounded(new IndexNode(pos, node, index));
            }
            else
            {
                return node;
            }
        }
    }

    private ExpressionNode ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case ExpressionTokenKind.Number:
                Advance();
                return new LiteralNode(token.Position, ExpressionValue.FromNumber(token.Number));
            case ExpressionTokenKind.String:
                Advance();
                return new LiteralNode(token.Position, ExpressionValue.FromString(token.Text));
            case ExpressionTokenKind.LeftParen:
            {
                Advance();
                var inner = ParseOr();
                Expect(ExpressionTokenKind.RightParen, "')'");
                return inner;
            }

            case ExpressionTokenKind.LeftBracket:
            {
                Advance();
                var items = new List<ExpressionNode>();
                if (Current.Kind != ExpressionTokenKind.RightBracket)
                {
                    do
                    {
                        items.Add(ParseOr());
                    }
                    while (TryConsume(ExpressionTokenKind.Comma));
                }

                Expect(ExpressionTokenKind.RightBracket, "']'");
                return Bounded(new ListNode(token.Position, items));
            }

            case ExpressionTokenKind.Identifier:
                Advance();
                switch (token.Text)
                {
                    case "true": return new LiteralNode(token.Position, ExpressionValue.True);
                    case "false": return new LiteralNode(token.Position, ExpressionValue.False);
                    case "null": return new LiteralNode(token.Position, ExpressionValue.Null);
                    case "and" or "or" or "not" or "in":
                        throw new ExpressionException($"expected a value but found the keyword '{token.Text}'", _text, token.Position);
                }

                if (Current.Kind == ExpressionTokenKind.LeftParen)
                {
                    return ParseCall(token);
                }

                return new NameNode(token.Position, token.Text);
            case ExpressionTokenKind.End:
                throw Error("unexpected end of expression");
            default:
                throw Error($"unexpected '{token.Text}'");
        }
    }

    private ExpressionNode ParseCall(ExpressionToken name)
    {
        if (_aggregateFields is not null && AggregateNode.IsAggregate(name.Text))
        {
            return ParseAggregate(name);
        }

        if (!ExpressionFunctions.TryGet(name.Text, out var function))
        {
            var known = string.Join(", ", ExpressionFunctions.All.Select(f => f.Name));
            throw new ExpressionException($"unknown function '{name.Text}' (known: {known})", _text, name.Position);
        }

        Advance(); // (
        var args = new List<ExpressionNode>();
        if (Current.Kind != ExpressionTokenKind.RightParen)
        {
            do
            {
                args.Add(ParseOr());
            }
            while (TryConsume(ExpressionTokenKind.Comma));
        }

        Expect(ExpressionTokenKind.RightParen, "')'");
        if (args.Count < function.MinArgs || args.Count > function.MaxArgs)
        {
            var expected = function.MinArgs == function.MaxArgs
                ? function.MinArgs.ToString(CultureInfo.InvariantCulture)
                : $"{function.MinArgs} to {function.MaxArgs}";
            throw new ExpressionException($"{function.Name}() takes {expected} argument(s) but got {args.Count}: {function.Signature}", _text, name.Position);
        }

        return Bounded(new CallNode(name.Position, function, args));
    }

    private AggregateNode ParseAggregate(ExpressionToken name)
    {
        Advance(); // (
        string? field = null;
        var fieldPosition = Current.Position;
        if (Current.Kind == ExpressionTokenKind.Identifier)
        {
            field = Current.Text;
            Advance();
        }

        if (Current.Kind != ExpressionTokenKind.RightParen)
        {
            throw new ExpressionException($"{name.Text}() takes one field name ({string.Join(", ", _aggregateFields!.Order(StringComparer.Ordinal))}){(name.Text == "count" ? " or none" : "")}", _text, Current.Position);
        }

        Advance(); // )
        if (field is null && name.Text != "count")
        {
            throw new ExpressionException($"{name.Text}() needs the field to aggregate, e.g. {name.Text}(tokens_used)", _text, name.Position);
        }

        if (field is not null && !_aggregateFields!.Contains(field))
        {
            throw new ExpressionException($"unknown field '{field}' in {name.Text}() (known: {string.Join(", ", _aggregateFields!.Order(StringComparer.Ordinal))})", _text, fieldPosition);
        }

        return new AggregateNode(name.Position, name.Text, field);
    }

    private bool TryConsume(ExpressionTokenKind kind)
    {
        if (Current.Kind != kind)
        {
            return false;
        }

        Advance();
        return true;
    }

    private void Expect(ExpressionTokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Error(Current.Kind == ExpressionTokenKind.End ? $"expected {what} but the expression ended" : $"expected {what} but found '{Current.Text}'");
        }

        Advance();
    }
}
