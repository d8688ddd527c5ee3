using System.Text.Json;

namespace Agentic.Core.Guardrails;

/// <summary>
/// Count, sum, min and max of every usage field over a set of executions: what <c>sum|min|max|avg(field)</c> and
/// <c>count()</c> read. Constant size, so a lifetime's or a tenant's totals cost the same after a million executions.
/// </summary>
public sealed class UsageTotals
{
    private const int FieldCount = 7;
    private readonly double[] _sum = new double[FieldCount];
    private readonly double[] _min = new double[FieldCount];
    private readonly double[] _max = new double[FieldCount];

    public long Count { get; private set; }

    public double Sum(int field) => _sum[field];

    public double Min(int field) => Count == 0 ? double.NaN : _min[field];

    public double Max(int field) => Count == 0 ? double.NaN : _max[field];

    public void Add(in UsageSample sample)
    {
        // Read once, in field order: this runs for every execution (lifetime totals, and the tenant's ledger).
        var t = sample.Telemetry;
        ReadOnlySpan<double> values = [t.TokensUsed, t.InputTokens, t.OutputTokens, t.CostUsd, t.LatencyMs, sample.Attempt, sample.Iteration];
        Span<double> sum = _sum, min = _min, max = _max;
        if (Count++ == 0)
        {
            values.CopyTo(sum);
            values.CopyTo(min);
            values.CopyTo(max);
            return;
        }

        for (var f = 0; f < FieldCount; f++)
        {
            // Usage is finite (nodes cannot record a NaN or infinite cost), so plain comparisons do what Math.Min/Max would.
            var v = values[f];
            sum[f] += v;
            if (v < min[f])
            {
                min[f] = v;
            }

            if (v > max[f])
            {
                max[f] = v;
            }
        }
    }

    public void Add(UsageTotals other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
        {
            return;
        }

        for (var f = 0; f < FieldCount; f++)
        {
            _sum[f] += other._sum[f];
            _min[f] = Count == 0 ? other._min[f] : Math.Min(_min[f], other._min[f]);
            _max[f] = Count == 0 ? other._max[f] : Math.Max(_max[f], other._max[f]);
        }

        Count += other.Count;
    }

    /// <summary>Makes these totals equal to <paramref name="other"/> (reusing this instance: no allocation).</summary>
    public void CopyFrom(UsageTotals other)
    {
        ArgumentNullException.ThrowIfNull(other);
        other._sum.AsSpan().CopyTo(_sum);
        other._min.AsSpan().CopyTo(_min);
        other._max.AsSpan().CopyTo(_max);
        Count = other.Count;
    }

    /// <summary>The aggregate over these totals plus, if given, one more execution not yet counted.</summary>
    public double Aggregate(string function, string? field, in UsageSample? current)
    {
        var count = Count + (current is null ? 0 : 1);
        if (function == "count")
        {
            return count;
        }

        var f = UsageSample.FieldIndex(field ?? string.Empty);
        if (f < 0)
        {
            throw new ArgumentException($"unknown usage field '{field}'", nameof(field));
        }

        var value = current?.Field(f);
        return function switch
        {
            "sum" => _sum[f] + (value ?? 0),
            "avg" => count == 0 ? double.NaN : (_sum[f] + (value ?? 0)) / count,
            "min" => Count == 0 ? value ?? double.NaN : value is { } v ? Math.Min(_min[f], v) : _min[f],
            "max" => Count == 0 ? value ?? double.NaN : value is { } w ? Math.Max(_max[f], w) : _max[f],
            _ => throw new ArgumentException($"unknown aggregate '{function}'", nameof(function)),
        };
    }

    /// <summary>Rebuilds totals (from a snapshot): count, then sum/min/max per field in <see cref="UsageSample.Fields"/> order.</summary>
    public static UsageTotals FromParts(long count, IReadOnlyList<double> sum, IReadOnlyList<double> min, IReadOnlyList<double> max)
    {
        ArgumentNullException.ThrowIfNull(sum);
        ArgumentNullException.ThrowIfNull(min);
        ArgumentNullException.ThrowIfNull(max);
        var totals = new UsageTotals { Count = count };
        for (var f = 0; f < FieldCount; f++)
        {
            totals._sum[f] = sum[f];
            totals._min[f] = min[f];
            totals._max[f] = max[f];
        }

        return totals;
    }

    /// <summary>Writes <c>{count, sum[], min[], max[]}</c> (fields in <see cref="UsageSample.Fields"/> order).</summary>
    public void WriteTo(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("count", Count);
        WriteArray(writer, "sum", _sum);
        WriteArray(writer, "min", _min);
        WriteArray(writer, "max", _max);
        writer.WriteEndObject();
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static UsageTotals ReadFrom(JsonElement element)
    {
        try
        {
            double[] Fields(string name)
            {
                var values = element.GetProperty(name).EnumerateArray().Select(v => v.GetDouble()).ToArray();
                return values.Length == FieldCount ? values : throw new InvalidDataException($"usage totals: '{name}' has {values.Length} values, expected {FieldCount}");
            }

            return FromParts(element.GetProperty("count").GetInt64(), Fields("sum"), Fields("min"), Fields("max"));
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"usage totals are malformed: {ex.Message}", ex);
        }
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, double[] values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values)
        {
            writer.WriteNumberValue(double.IsFinite(v) ? v : 0);
        }

        writer.WriteEndArray();
    }
}
