using System.Text.Json;

namespace Agentic.Core.Guardrails;

/// <summary>
/// Usage totals over a sliding window (or for all time when the window is null), in constant space: the window is
/// cut into <see cref="BucketsPerWindow"/> buckets, and a bucket leaves the window whole once its end is older than
/// the window. So usage counts for between one window and one window plus a bucket (1/60 of it) after it was spent:
/// a budget may stay exhausted slightly longer, never shorter. Not thread-safe (its tenant ledger is charged under a lock).
/// </summary>
public sealed class WindowedUsage
{
    public const int BucketsPerWindow = 60;

    // One more slot than live buckets can need: the bucket being filled plus the 60 before it.
    private const int Slots = BucketsPerWindow + 2;
    private readonly long[] _index;
    private readonly UsageTotals?[] _buckets;
    private readonly long _windowMs;
    private readonly long _bucketMs;
    private UsageTotals _merged = new();
    private long _mergedValidUntil = long.MaxValue;

    public WindowedUsage(TimeSpan? window)
    {
        if (window is { } w)
        {
            if (w < TimeSpan.FromMilliseconds(BucketsPerWindow))
            {
                throw new ArgumentOutOfRangeException(nameof(window), window, $"a usage window must be at least {BucketsPerWindow} ms");
            }

            _windowMs = (long)w.TotalMilliseconds;
            _bucketMs = Math.Max(1, _windowMs / BucketsPerWindow);
            _index = new long[Slots];
            _buckets = new UsageTotals?[Slots];
        }
        else
        {
            _index = [];
            _buckets = [];
        }

        Window = window;
    }

    /// <summary>Null: cumulative, nothing ever expires.</summary>
    public TimeSpan? Window { get; }

    /// <summary>Adds one execution's usage, spent at <paramref name="now"/>.</summary>
    public void Add(in UsageSample sample, DateTimeOffset now)
    {
        if (Window is null)
        {
            _merged.Add(sample);
            return;
        }

        var merged = Totals(now);
        Bucket(now.ToUnixTimeMilliseconds()).Add(sample);
        merged.Add(sample);
    }

    /// <summary>Adds <paramref name="other"/>'s usage (a window of the same length) bucket by bucket, as if charged here.</summary>
    public void Merge(WindowedUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Window != Window)
        {
            throw new ArgumentException($"usage over a window of {other.Window} cannot be merged into one of {Window}", nameof(other));
        }

        if (Window is null)
        {
            _merged.Add(other._merged);
            return;
        }

        for (var i = 0; i < Slots; i++)
        {
            var index = other._index[i];
            if (other._buckets[i] is not { } bucket || (_buckets[i] is not null && _index[i] > index))
            {
                // Empty, or older than a bucket this window already holds in that slot: whole slots older, so out of the window.
                continue;
            }

            BucketAt(index).Add(bucket);
        }

        // The merged totals are rebuilt from the buckets on the next read.
        _mergedValidUntil = long.MinValue;
    }

    /// <summary>The totals of the usage still inside the window at <paramref name="now"/>. Do not keep the instance.</summary>
    public UsageTotals Totals(DateTimeOffset now)
    {
        if (Window is null)
        {
            return _merged;
        }

        var ms = now.ToUnixTimeMilliseconds();
        if (ms < _mergedValidUntil)
        {
            return _merged;
        }

        // A bucket left the window: rebuild from the live ones (at most once per bucket width).
        var merged = new UsageTotals();
        var validUntil = long.MaxValue;
        for (var i = 0; i < Slots; i++)
        {
            if (_buckets[i] is not { } bucket)
            {
                continue;
            }

            var expires = ExpiresAt(_index[i]);
            if (expires <= ms)
            {
                _buckets[i] = null;
                continue;
            }

            merged.Add(bucket);
            validUntil = Math.Min(validUntil, expires);
        }

        _merged = merged;
        _mergedValidUntil = validUntil;
        return merged;
    }

    /// <summary>When the oldest usage in the window leaves it (null when nothing will: empty, or cumulative).</summary>
    public DateTimeOffset? NextExpiry(DateTimeOffset now)
    {
        Totals(now);
        return Window is null || _mergedValidUntil == long.MaxValue ? null : DateTimeOffset.FromUnixTimeMilliseconds(_mergedValidUntil);
    }

    public void WriteTo(Utf8JsonWriter writer, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteNumber("window_ms", _windowMs);
        writer.WriteStartArray("buckets");
        if (Window is null)
        {
            writer.WriteStartObject();
            writer.WriteNumber("index", 0);
            writer.WritePropertyName("totals");
            _merged.WriteTo(writer);
            writer.WriteEndObject();
        }
        else
        {
            Totals(now);
            for (var i = 0; i < Slots; i++)
            {
                if (_buckets[i] is { } bucket)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("index", _index[i]);
                    writer.WritePropertyName("totals");
                    bucket.WriteTo(writer);
                    writer.WriteEndObject();
                }
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote, dropping buckets that left the window meanwhile.</summary>
    public static WindowedUsage ReadFrom(JsonElement element, DateTimeOffset now)
    {
        try
        {
            var windowMs = element.GetProperty("window_ms").GetInt64();
            var usage = new WindowedUsage(windowMs == 0 ? null : TimeSpan.FromMilliseconds(windowMs));
            foreach (var b in element.GetProperty("buckets").EnumerateArray())
            {
                var totals = UsageTotals.ReadFrom(b.GetProperty("totals"));
                if (usage.Window is null)
                {
                    usage._merged = totals;
                    continue;
                }

                var index = b.GetProperty("index").GetInt64();
                var slot = (int)(index % Slots);
                usage._index[slot] = index;
                usage._buckets[slot] = totals;
            }

            usage._mergedValidUntil = long.MinValue;
            usage.Totals(now);
            return usage;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"windowed usage is malformed: {ex.Message}", ex);
        }
    }

    private long ExpiresAt(long index) => ((index + 1) * _bucketMs) + _windowMs;

    private UsageTotals Bucket(long ms) => BucketAt(ms / _bucketMs);

    private UsageTotals BucketAt(long index)
    {
        var slot = (int)(index % Slots);
        if (_buckets[slot] is not { } bucket || _index[slot] != index)
        {
            // The slot's previous bucket is at least Slots widths old: long out of the window.
            bucket = new UsageTotals();
            _buckets[slot] = bucket;
            _index[slot] = index;
            _mergedValidUntil = Math.Min(_mergedValidUntil, ExpiresAt(index));
        }

        return bucket;
    }
}
