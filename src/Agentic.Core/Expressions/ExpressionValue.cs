using System.Globalization;
using System.Text.Json;

namespace Agentic.Core.Expressions;

/// <summary>A value in the expression language: null, boolean, number, string, JSON object/array, or list.</summary>
public readonly struct ExpressionValue : IEquatable<ExpressionValue>
{
    public static readonly ExpressionValue Null;
    public static readonly ExpressionValue True = new(ExpressionValueKind.Boolean, 1, null, default, null);
    public static readonly ExpressionValue False = new(ExpressionValueKind.Boolean, 0, null, default, null);

    private readonly double _number;
    private readonly string? _string;
    private readonly JsonElement _json;
    private readonly IReadOnlyList<ExpressionValue>? _list;
    private readonly IExpressionScope? _record;

    private ExpressionValue(ExpressionValueKind kind, double number, string? text, JsonElement json, IReadOnlyList<ExpressionValue>? list)
    {
        Kind = kind;
        _number = number;
        _string = text;
        _json = json;
        _list = list;
    }

    public ExpressionValueKind Kind { get; }

    public bool IsNull => Kind == ExpressionValueKind.Null;

    public bool AsBoolean => _number != 0;

    public double AsNumber => _number;

    public string AsString => _string ?? string.Empty;

    public JsonElement AsJson => _json;

    public IReadOnlyList<ExpressionValue> AsList => _list ?? [];

    public IExpressionScope? AsRecord => _record;

    public static ExpressionValue FromBoolean(bool value) => value ? True : False;

    public static ExpressionValue FromNumber(double value) => new(ExpressionValueKind.Number, value, null, default, null);

    public static ExpressionValue FromString(string? value) =>
        value is null ? Null : new(ExpressionValueKind.String, 0, value, default, null);

    public static ExpressionValue FromList(IReadOnlyList<ExpressionValue> items) => new(ExpressionValueKind.List, 0, null, default, items);

    public static ExpressionValue FromRecord(IExpressionScope record) => new(record);

    private ExpressionValue(IExpressionScope record)
    {
        Kind = ExpressionValueKind.Record;
        _record = record;
    }

    /// <summary>Maps a JSON element: primitives become primitives, objects and arrays stay JSON.</summary>
    public static ExpressionValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Number => FromNumber(element.GetDouble()),
        JsonValueKind.String => FromString(element.GetString()),
        JsonValueKind.True => True,
        JsonValueKind.False => False,
        JsonValueKind.Object or JsonValueKind.Array => new(ExpressionValueKind.Json, 0, null, element, null),
        _ => Null,
    };

    public string TypeName => Kind switch
    {
        ExpressionValueKind.Null => "null",
        ExpressionValueKind.Boolean => "boolean",
        ExpressionValueKind.Number => "number",
        ExpressionValueKind.String => "string",
        ExpressionValueKind.Json => _json.ValueKind == JsonValueKind.Array ? "array" : "object",
        ExpressionValueKind.List => "array",
        ExpressionValueKind.Record => "record",
        _ => "unknown",
    };

    /// <summary>Truthiness for conditions: null, false, 0, "" and empty collections are false.</summary>
    public bool IsTruthy => Kind switch
    {
        ExpressionValueKind.Null => false,
        ExpressionValueKind.Boolean => AsBoolean,
        ExpressionValueKind.Number => _number != 0 && !double.IsNaN(_number),
        ExpressionValueKind.String => _string!.Length > 0,
        ExpressionValueKind.Json => _json.ValueKind == JsonValueKind.Array ? _json.GetArrayLength() > 0 : _json.EnumerateObject().Any(),
        ExpressionValueKind.List => _list!.Count > 0,
        ExpressionValueKind.Record => true,
        _ => false,
    };

    /// <summary>Items when the value is an array (JSON array or list); otherwise false.</summary>
    public bool TryGetItems(out IEnumerable<ExpressionValue> items)
    {
        if (Kind == ExpressionValueKind.List)
        {
            items = _list!;
            return true;
        }

        if (Kind == ExpressionValueKind.Json && _json.ValueKind == JsonValueKind.Array)
        {
            items = _json.EnumerateArray().Select(FromJson);
            return true;
        }

        items = [];
        return false;
    }

    public bool Equals(ExpressionValue other)
    {
        if (Kind != other.Kind)
        {
            return false;
        }

        return Kind switch
        {
            ExpressionValueKind.Null => true,
            ExpressionValueKind.Boolean or ExpressionValueKind.Number => _number.Equals(other._number),
            ExpressionValueKind.String => string.Equals(_string, other._string, StringComparison.Ordinal),
            ExpressionValueKind.Json => JsonElement.DeepEquals(_json, other._json),
            ExpressionValueKind.List => _list!.SequenceEqual(other._list!),
            ExpressionValueKind.Record => ReferenceEquals(_record, other._record),
            _ => false,
        };
    }

    public override bool Equals(object? obj) => obj is ExpressionValue v && Equals(v);

    public override int GetHashCode() => HashCode.Combine(Kind, _number, _string);

    public static bool operator ==(ExpressionValue left, ExpressionValue right) => left.Equals(right);

    public static bool operator !=(ExpressionValue left, ExpressionValue right) => !left.Equals(right);

    public override string ToString() => Kind switch
    {
        ExpressionValueKind.Null => "null",
        ExpressionValueKind.Boolean => AsBoolean ? "true" : "false",
        ExpressionValueKind.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        ExpressionValueKind.String => _string!,
        ExpressionValueKind.Json => _json.GetRawText(),
        ExpressionValueKind.Record => "(record)",
        ExpressionValueKind.List => "[" + string.Join(", ", _list!.Select(v => v.Kind == ExpressionValueKind.String ? JsonSerializer.Serialize(v._string) : v.ToString())) + "]",
        _ => string.Empty,
    };
}
