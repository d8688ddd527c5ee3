using System.Buffers;
using System.Text.Json;

namespace Agentic.Core.Guardrails;

/// <summary>
/// What one tenant has spent: totals for all time and for every window a tenant-scope policy names, each of
/// constant size. A window a reloaded policy set adds counts from when it was added. Beside the totals, the charges
/// whose execution records are not confirmed yet (<see cref="UnrecordedCharge"/>: few, they leave with the next
/// flush that confirms them) and, in a ledger of one host's charges since its last flush, those confirmations. Not
/// thread-safe (charged under its tenant budget's lock); persisted as versioned JSON.
/// </summary>
public sealed class TenantLedger
{
    private const int Format = 1;
    private readonly Dictionary<long, WindowedUsage> _windows = [];
    private WindowedUsage _allTime = new(null);
    private Dictionary<(string, string, int), UnrecordedCharge>? _unrecorded;
    private HashSet<(string, string, int)>? _recorded;

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

    /// <summary>Charged attempts whose records are not confirmed yet.</summary>
    public int UnrecordedCount => _unrecorded?.Count ?? 0;

    /// <summary>Confirmations this ledger carries for charges held elsewhere (a host's flush to the ledger's owner).</summary>
    public int RecordedCount => _recorded?.Count ?? 0;

    /// <summary>Keeps <paramref name="charge"/> (already charged with <see cref="Charge"/>) until its record is confirmed.</summary>
    public void AddUnrecorded(UnrecordedCharge charge)
    {
        ArgumentNullException.ThrowIfNull(charge);
        (_unrecorded ??= [])[charge.Key] = charge;
    }

    /// <summary>
    /// The record of this attempt is durable: the charge kept for it is dropped, or, when this ledger does not hold
    /// it (a flush's ledger), the confirmation is kept for the ledger that does.
    /// </summary>
    public void MarkRecorded(string lifetimeId, string executionId, int attempt, string activation = "")
    {
        var key = UnrecordedCharge.KeyOf(lifetimeId, executionId, attempt, activation);
        if (_unrecorded is null || !_unrecorded.Remove(key))
        {
            (_recorded ??= []).Add(key);
        }
    }

    /// <summary>The charges of <paramref name="lifetimeId"/> whose records are not confirmed, in no particular order.</summary>
    public IReadOnlyList<UnrecordedCharge> UnrecordedOf(string lifetimeId) =>
        _unrecorded is null ? [] : _unrecorded.Values.Where(c => string.Equals(c.LifetimeId, lifetimeId, StringComparison.Ordinal)).ToList();

    /// <summary>Drops confirmations that matched nothing here (the owner's ledger keeps none: they would only pile up).</summary>
    public void ForgetConfirmations() => _recorded = null;

    /// <summary>Drops the unconfirmed charges (a host's working copy judges totals only; the owner keeps them).</summary>
    public void ForgetUnrecorded() => _unrecorded = null;

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
        foreach (var charge in delta._unrecorded?.Values ?? Enumerable.Empty<UnrecordedCharge>())
        {
            AddUnrecorded(charge);
        }

        foreach (var key in delta._recorded ?? Enumerable.Empty<(string, string, int)>())
        {
            if (_unrecorded is null || !_unrecorded.Remove(key))
            {
                (_recorded ??= []).Add(key);
            }
        }
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
            if (_unrecorded is { Count: > 0 })
            {
                w.WriteStartArray("unrecorded");
                foreach (var c in _unrecorded.Values)
                {
                    w.WriteStartObject();
                    w.WriteString("lifetime", c.LifetimeId);
                    w.WriteString("execution", c.ExecutionId);
                    w.WriteNumber("attempt", c.Attempt);
                    w.WriteNumber("input_tokens", c.Telemetry.InputTokens);
                    w.WriteNumber("output_tokens", c.Telemetry.OutputTokens);
                    w.WriteNumber("cost_usd", c.Telemetry.CostUsd);
                    w.WriteNumber("latency_ms", c.Telemetry.LatencyMs);
                    if (c.Activation.Length > 0)
                    {
                        w.WriteString("activation", c.Activation);
                    }

                    if (c.Certain)
                    {
                        w.WriteBoolean("certain", true);
                    }

                    if (c.Telemetry.Model is { } model)
                    {
                        w.WriteString("model", model);
                    }

                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (_recorded is { Count: > 0 })
            {
                w.WriteStartArray("recorded");
                foreach (var (lifetime, execution, attempt) in _recorded)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(lifetime);
                    w.WriteStringValue(execution);
                    w.WriteNumberValue(attempt);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
            }

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

            // Both lists are optional: ledgers stored before they existed have neither.
            if (root.TryGetProperty("unrecorded", out var unrecorded))
            {
                foreach (var c in unrecorded.EnumerateArray())
                {
                    ledger.AddUnrecorded(new UnrecordedCharge(
                        c.GetProperty("lifetime").GetString() ?? throw new InvalidDataException($"tenant ledger of '{tenantId}' has an unrecorded charge without a lifetime"),
                        c.GetProperty("execution").GetString() ?? throw new InvalidDataException($"tenant ledger of '{tenantId}' has an unrecorded charge without an execution"),
                        c.GetProperty("attempt").GetInt32(),
                        new Execution.ExecutionTelemetry(
                            c.GetProperty("input_tokens").GetInt64(),
                            c.GetProperty("output_tokens").GetInt64(),
                            c.GetProperty("cost_usd").GetDouble(),
                            c.GetProperty("latency_ms").GetDouble(),
                            c.TryGetProperty("model", out var model) ? model.GetString() : null))
                    {
                        Activation = c.TryGetProperty("activation", out var activation) ? activation.GetString() ?? string.Empty : string.Empty,
                        Certain = c.TryGetProperty("certain", out var certain) && certain.GetBoolean(),
                    });
                }
            }

            if (root.TryGetProperty("recorded", out var recorded))
            {
                foreach (var r in recorded.EnumerateArray())
                {
                    (ledger._recorded ??= []).Add((r[0].GetString()!, r[1].GetString()!, r[2].GetInt32()));
                }
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
