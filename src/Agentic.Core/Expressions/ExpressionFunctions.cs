using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Agentic.Core.Expressions;

/// <summary>The built-in functions. Errors are thrown as <see cref="InvalidOperationException"/> and located by the caller.</summary>
public static class ExpressionFunctions
{
    private static readonly FrozenDictionary<string, ExpressionFunction> Functions = new ExpressionFunction[]
    {
        new("len", 1, 1, "len(string|array|object)", a => ExpressionValue.FromNumber(Length(a[0]))),
        new("contains", 2, 2, "contains(string|array|object, value)", a => ExpressionValue.FromBoolean(Contains(a[0], a[1]))),
        new("startsWith", 2, 2, "startsWith(string, prefix)", a => ExpressionValue.FromBoolean(Str(a[0]).StartsWith(Str(a[1]), StringComparison.Ordinal))),
        new("endsWith", 2, 2, "endsWith(string, suffix)", a => ExpressionValue.FromBoolean(Str(a[0]).EndsWith(Str(a[1]), StringComparison.Ordinal))),
        new("lower", 1, 1, "lower(string)", a => ExpressionValue.FromString(Str(a[0]).ToLowerInvariant())),
        new("upper", 1, 1, "upper(string)", a => ExpressionValue.FromString(Str(a[0]).ToUpperInvariant())),
        new("exists", 1, 1, "exists(value)", a => ExpressionValue.FromBoolean(!a[0].IsNull)),
        new("coalesce", 1, 16, "coalesce(value, ...)", a => a.FirstOrDefault(v => !v.IsNull)),
        new("number", 1, 1, "number(value)", a => ExpressionValue.FromNumber(ToNumber(a[0]))),
        new("string", 1, 1, "string(value)", a => ExpressionValue.FromString(a[0].ToString())),
        new("abs", 1, 1, "abs(number)", a => ExpressionValue.FromNumber(Math.Abs(Num(a[0])))),
        new("min", 1, 16, "min(number, ...) | min(array)", a => ExpressionValue.FromNumber(Numbers(a).DefaultIfEmpty(double.NaN).Min())),
        new("max", 1, 16, "max(number, ...) | max(array)", a => ExpressionValue.FromNumber(Numbers(a).DefaultIfEmpty(double.NaN).Max())),
        new("sum", 1, 16, "sum(number, ...) | sum(array)", a => ExpressionValue.FromNumber(Numbers(a).Sum())),
        new("avg", 1, 16, "avg(number, ...) | avg(array)", a => ExpressionValue.FromNumber(Numbers(a).DefaultIfEmpty(double.NaN).Average())),
        new("count", 1, 1, "count(array)", a => ExpressionValue.FromNumber(Length(a[0]))),
    }.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);

    public static IEnumerable<ExpressionFunction> All => Functions.Values.OrderBy(f => f.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out ExpressionFunction function) => Functions.TryGetValue(name, out function!);

    internal static bool Contains(ExpressionValue haystack, ExpressionValue needle)
    {
        if (haystack.Kind == ExpressionValueKind.String)
        {
            return needle.Kind == ExpressionValueKind.String && haystack.AsString.Contains(needle.AsString, StringComparison.Ordinal);
        }

        if (haystack.TryGetItems(out var items))
        {
            foreach (var item in items)
            {
                if (item.Equals(needle))
                {
                    return true;
                }
            }

            return false;
        }

        if (haystack.Kind == ExpressionValueKind.Json && haystack.AsJson.ValueKind == JsonValueKind.Object)
        {
            return needle.Kind == ExpressionValueKind.String && haystack.AsJson.TryGetProperty(needle.AsString, out _);
        }

        if (haystack.IsNull)
        {
            return false;
        }

        throw new InvalidOperationException($"cannot search in a {haystack.TypeName}");
    }

    private static double Length(ExpressionValue v) => v.Kind switch
    {
        ExpressionValueKind.String => v.AsString.Length,
        ExpressionValueKind.List => v.AsList.Count,
        ExpressionValueKind.Json => v.AsJson.ValueKind == JsonValueKind.Array ? v.AsJson.GetArrayLength() : v.AsJson.EnumerateObject().Count(),
        ExpressionValueKind.Null => 0,
        _ => throw new InvalidOperationException($"a {v.TypeName} has no length"),
    };

    private static string Str(ExpressionValue v) =>
        v.Kind == ExpressionValueKind.String ? v.AsString : v.IsNull ? string.Empty : throw new InvalidOperationException($"expected a string, got a {v.TypeName}");

    private static double Num(ExpressionValue v) =>
        v.Kind == ExpressionValueKind.Number ? v.AsNumber : throw new InvalidOperationException($"expected a number, got a {v.TypeName}");

    private static double ToNumber(ExpressionValue v) => v.Kind switch
    {
        ExpressionValueKind.Number => v.AsNumber,
        ExpressionValueKind.Boolean => v.AsBoolean ? 1 : 0,
        ExpressionValueKind.String when double.TryParse(v.AsString, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new InvalidOperationException($"cannot convert a {v.TypeName} ('{v}') to a number"),
    };

    private static IEnumerable<double> Numbers(ExpressionValue[] args)
    {
        if (args.Length == 1 && args[0].TryGetItems(out var items))
        {
            return items.Where(i => !i.IsNull).Select(Num);
        }

        return args.Where(i => !i.IsNull).Select(Num);
    }
}
