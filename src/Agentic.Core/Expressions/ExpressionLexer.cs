using System.Globalization;
using System.Text;

namespace Agentic.Core.Expressions;

internal static class ExpressionLexer
{
    public static List<ExpressionToken> Tokenize(string text)
    {
        if (ExpressionNode.LoneSurrogateAt(text) is var bad and >= 0)
        {
            throw new ExpressionException("invalid character: half of a UTF-16 surrogate pair", text, bad);
        }

        var tokens = new List<ExpressionToken>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < text.Length && char.IsAsciiDigit(text[i + 1])))
            {
                while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.' || text[i] == '_'))
                {
                    i++;
                }

                if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
                {
                    i++;
                    if (i < text.Length && (text[i] == '+' || text[i] == '-'))
                    {
                        i++;
                    }

                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }
                }

                var raw = text[start..i].Replace("_", string.Empty, StringComparison.Ordinal);
                if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    throw new ExpressionException($"invalid number '{text[start..i]}'", text, start);
                }

                tokens.Add(new ExpressionToken(ExpressionTokenKind.Number, text[start..i], start, number));
                continue;
            }

            if (c == '"' || c == '\'')
            {
                tokens.Add(new ExpressionToken(ExpressionTokenKind.String, ReadString(text, ref i), start));
                continue;
            }

            if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new ExpressionToken(ExpressionTokenKind.Identifier, text[start..i], start));
                continue;
            }

            var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
            if (two is "==" or "!=" or "<=" or ">=" or "&&" or "||")
            {
                tokens.Add(new ExpressionToken(ExpressionTokenKind.Operator, two, start));
                i += 2;
                continue;
            }

            var kind = c switch
            {
                '(' => ExpressionTokenKind.LeftParen,
                ')' => ExpressionTokenKind.RightParen,
                '[' => ExpressionTokenKind.LeftBracket,
                ']' => ExpressionTokenKind.RightBracket,
                ',' => ExpressionTokenKind.Comma,
                '.' => ExpressionTokenKind.Dot,
                '<' or '>' or '+' or '-' or '*' or '/' or '%' or '!' => ExpressionTokenKind.Operator,
                '=' => throw new ExpressionException("'=' is not an operator; use '==' to compare", text, start),
                _ => throw new ExpressionException($"unexpected character '{c}'", text, start),
            };
            tokens.Add(new ExpressionToken(kind, c.ToString(), start));
            i++;
        }

        tokens.Add(new ExpressionToken(ExpressionTokenKind.End, string.Empty, text.Length));
        return tokens;
    }

    private static string ReadString(string text, ref int i)
    {
        var quote = text[i];
        var start = i;
        i++;
        var sb = new StringBuilder();
        while (i < text.Length && text[i] != quote)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
                sb.Append(text[i] switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    _ => text[i],
                });
            }
            else
            {
                sb.Append(text[i]);
            }

            i++;
        }

        if (i >= text.Length)
        {
            throw new ExpressionException("unterminated string", text, start);
        }

        i++;
        return sb.ToString();
    }
}
