using System.Text.Json;
using Agentic.Core.Expressions;

namespace Agentic.Core.Tests.Expressions;

public class ExpressionTests
{
    private sealed class Scope(string resultJson) : IExpressionScope
    {
        private readonly JsonElement _result = JsonDocument.Parse(resultJson).RootElement;

        public bool TryResolve(string name, out ExpressionValue value)
        {
            value = name switch
            {
                "result" => ExpressionValue.FromJson(_result),
                "n" => ExpressionValue.FromNumber(7),
                _ => ExpressionValue.Null,
            };
            return name is "result" or "n";
        }
    }

    private static ExpressionValue Eval(string text, string json = """{"count": 10, "name": "Ada", "tags": ["a", "b"], "nested": {"x": 1.5}, "ok": true}""") =>
        Expression.Parse(text).Evaluate(new Scope(json));

    [Theory]
    [InlineData("result.count >= 10", true)]
    [InlineData("result.count > 10", false)]
    [InlineData("result.count == 10 and result.ok", true)]
    [InlineData("result.count == 9 or result.name == 'Ada'", true)]
    [InlineData("not result.ok", false)]
    [InlineData("!(result.count < 3)", true)]
    [InlineData("result.count + 5 * 2 == 20", true)]
    [InlineData("(result.count + 5) * 2 == 30", true)]
    [InlineData("result.count % 3 == 1", true)]
    [InlineData("-result.count == -10", true)]
    [InlineData("result.nested.x * 2 == 3", true)]
    [InlineData("result.tags[1] == \"b\"", true)]
    [InlineData("result.tags[-1] == 'b'", true)]
    [InlineData("result['name'] == 'Ada'", true)]
    [InlineData("len(result.tags) == 2", true)]
    [InlineData("len(result.name) == 3", true)]
    [InlineData("contains(result.tags, 'a')", true)]
    [InlineData("'a' in result.tags", true)]
    [InlineData("'z' in result.tags", false)]
    [InlineData("contains(result.name, 'd')", true)]
    [InlineData("startsWith(lower(result.name), 'ad')", true)]
    [InlineData("upper(result.name) == 'ADA'", true)]
    [InlineData("exists(result.missing)", false)]
    [InlineData("result.missing > 3", false)]
    [InlineData("result.missing == null", true)]
    [InlineData("result.missing.deeper == null", true)]
    [InlineData("coalesce(result.missing, 4) == 4", true)]
    [InlineData("max(1, n, 3) == 7", true)]
    [InlineData("sum([1, 2, 3]) == 6 and avg([2, 4]) == 3 and min([5, 2]) == 2", true)]
    [InlineData("number('2.5') + 1 == 3.5", true)]
    [InlineData("string(result.count) + '!' == '10!'", true)]
    [InlineData("1_000 == 1000 and 1e3 == 1000", true)]
    [InlineData("'ab' < 'b'", true)]
    [InlineData("[1, 2] == [1, 2]", true)]
    public void Evaluates(string text, bool expected) => Assert.Equal(expected, Eval(text).IsTruthy);

    [Theory]
    [InlineData("result.count >", "unexpected end of expression at column 15")]
    [InlineData("result.count = 10", "'=' is not an operator; use '==' to compare at column 14")]
    [InlineData("(1 + 2", "expected ')' but the expression ended at column 7")]
    [InlineData("foo(1)", "unknown function 'foo' (known: abs, avg, coalesce")]
    [InlineData("len(1, 2)", "len() takes 1 argument(s) but got 2: len(string|array|object) at column 1")]
    [InlineData("'open", "unterminated string at column 1")]
    [InlineData("1 < 2 < 3", "comparisons cannot be chained; combine them with 'and' at column 7")]
    [InlineData("a $ b", "unexpected character '$' at column 3")]
    [InlineData("result.", "expected a field name after '.' at column 8")]
    [InlineData("1 2", "unexpected '2' after a complete expression at column 3")]
    [InlineData("", "empty expression")]
    public void ParseErrors_NamePositionAndReason(string text, string expected)
    {
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("result.name * 2", "cannot apply '*' to a string and a number at column 13")]
    [InlineData("result.count / 0", "division by zero at column 14")]
    [InlineData("result.count.x", "cannot read field 'x' of a number at column 14")]
    [InlineData("unknown > 1", "unknown name 'unknown' at column 1")]
    [InlineData("result.tags > 1", "cannot compare a array with a number using '>'")]
    [InlineData("number('abc')", "number(): cannot convert a string ('abc') to a number")]
    public void EvaluationErrors_NamePositionAndReason(string text, string expected)
    {
        var ex = Assert.Throws<ExpressionException>(() => Eval(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
