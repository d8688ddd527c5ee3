using System.Buffers;
using System.Text.Json;

namespace Agentic.Core.Guardrails;

/// <summary>
/// What one tenant has spent: totals for all time and for every window a tenant-scope policy names, each of
/// constant size. A window a reloaded policy set adds counts from when it was added. Not thread-safe (charged
/// under its tenant budget's lock); persisted as versioned JSON.
/// </summary>
public sealed class TenantLedger
{
    private const int Format = 1;
    private readonly Dictionary<long, WindowedUsage> _windows = [];
    private WindowedUsage _allTime = new(null);

    public TenantLedger(string tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        TenantId = tenantId;
    }

    public string TenantId { get; }

    /// <summary>Executions charged since the tenant's first.</summary>
    public long Charges { get; private set; }

    /// <summary>Starts keeping totals for every window these policies name.</summary>
    public void Track(IEnumerable<GuardrailPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        foreach (var policy in policies)
        {
            if (policy.Scope == PolicyScope.Tenant && policy.Window is { } window && !_windows.ContainsKey(KeyOf(window)))
            {
                _windows[KeyOf(window)] = new WindowedUsage(window);
            }
        }
    }

    /// <summary>Adds one execution's usage, spent at <paramref name="now"/>, to every window and to all time.</summary>
    public void Charge(in UsageSample sample, DateTimeOffset now)
    {
        _allTime.Add(sample, now);
        foreach (var window in _windows.Values)
        {
            window.Add(sample, now);
        }

        Charges++;
    }

    /// <summary>The totals <paramref name="policy"/> aggregates over (its window's, or all time's). Do not keep the instance.</summary>
    public UsageTotals TotalsFor(GuardrailPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Window is not { } window)
        {
            return _allTime.Totals(now);
        }

        if (!_windows.TryGetValue(KeyOf(window), out var usage))
        {
            usage = new WindowedUsage(window);
            _windows[KeyOf(window)] = usage;
        }

        return usage.Totals(now);
    }

    public UsageTotals AllTime => _allTime.Totals(DateTimeOffset.UnixEpoch);

    /// <summary>When the oldest usage in any window leaves it, i.e. when a standing decision may stop holding.</summary>
    public DateTimeOffset? NextExpiry(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var window in _windows.Values)
        {
            if (window.NextExpiry(now) is { } at && (next is null || at < next))
            {
                next = at;
            }
        }

        return next;
    }

    /// <summary>
    /// Adds everything charged to <paramref name="delta"/> (a ledger of the same tenant that counted only some charges,
    /// such as one silo's since its last flush) as if each of those charges had been made here: totals of all time
    /// and of each window, bucket by bucket. A window the delta tracks and this ledger does not is added.
    /// </summary>
    public void Merge(TenantLedger delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (!string.Equals(delta.TenantId, TenantId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"a ledger of tenant '{delta.TenantId}' cannot be merged into tenant '{TenantId}'s", nameof(delta));
        }

        _allTime.Merge(delta._allTime);
        foreach (var (key, window) in delta._windows)
        {
            if (!_windows.TryGetValue(key, out var mine))
            {
                mine = new WindowedUsage(window.Window);
                _windows[key] = mine;
            }

            mine.Merge(window);
        }

        Charges += delta.Charges;
    }

    public byte[] Capture(DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("format", Format);
            w.WriteString("tenant", TenantId);
            w.WriteNumber("charges", Charges);
            w.WritePropertyName("all_time");
            _allTime.WriteTo(w, now);
            w.WriteStartArray("windows");
            foreach (var window in _windows.Values)
            {
                window.WriteTo(w, now);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads what <see cref="Capture"/> wrote; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static TenantLedger Restore(ReadOnlySpan<byte> state, string tenantId, DateTimeOffset now)
    {
        try
        {
            using var document = JsonDocument.Parse(state.ToArray());
            var root = document.RootElement;
            var format = root.GetProperty("format").GetInt32();
            if (format != Format)
            {
                throw new InvalidDataException($"tenant ledger of '{tenantId}' has format {format}; this runtime reads format {Format}");
            }

            var tenant = root.GetProperty("tenant").GetString();
            if (tenant != tenantId)
            {
                throw new InvalidDataException($"tenant ledger stored for '{tenantId}' names tenant '{tenant}'");
            }

            var ledger = new TenantLedger(tenantId) { Charges = root.GetProperty("charges").GetInt64() };
            ledger._allTime = WindowedUsage.ReadFrom(root.GetProperty("all_time"), now);
            foreach (var w in root.GetProperty("windows").EnumerateArray())
            {
                var window = WindowedUsage.ReadFrom(w, now);
                ledger._windows[KeyOf(window.Window ?? throw new InvalidDataException($"tenant ledger of '{tenantId}' has a window without a length"))] = window;
            }

            return ledger;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"tenant ledger of '{tenantId}' is malformed: {ex.Message}", ex);
        }
    }

    private static long KeyOf(TimeSpan window) => (long)window.TotalMilliseconds;
}
