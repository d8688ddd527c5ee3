using Agentic.Core.Execution;
using Agentic.Core.Guardrails;

namespace Agentic.Core.Tests.Guardrails;

public sealed class TenantLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private static UsageSample Spend(long tokens, double usd = 0, double latencyMs = 1) =>
        new("llm", "llm", 1, 0, new ExecutionTelemetry(tokens, 0, usd, latencyMs));

    [Fact]
    public void WindowedUsage_ForgetsUsageOnceItsBucketIsOlderThanTheWindow_NeverBefore()
    {
        var usage = new WindowedUsage(TimeSpan.FromMinutes(1)); // buckets of 1 s
        usage.Add(Spend(100), T0);
        usage.Add(Spend(50, latencyMs: 900), T0.AddSeconds(30));

        Assert.Equal((2, 150d, 900d), (usage.Totals(T0.AddSeconds(59)).Count, usage.Totals(T0.AddSeconds(59)).Sum(0), usage.Totals(T0.AddSeconds(59)).Max(4)));
        Assert.Equal(T0.AddSeconds(61), usage.NextExpiry(T0.AddSeconds(59)));

        // The first spend's bucket [T0, T0+1s) leaves the window at T0+61s: counted for at least the window.
        Assert.Equal(150d, usage.Totals(T0.AddSeconds(60.5)).Sum(0));
        var later = usage.Totals(T0.AddSeconds(61));
        Assert.Equal((1, 50d, 900d), (later.Count, later.Sum(0), later.Max(4)));

        Assert.Equal(0, usage.Totals(T0.AddSeconds(91)).Count);
        Assert.Null(usage.NextExpiry(T0.AddSeconds(91)));

        // Usage after a long gap lands in a reused slot without resurrecting what expired there.
        usage.Add(Spend(7), T0.AddMinutes(10));
        Assert.Equal((1, 7d), (usage.Totals(T0.AddMinutes(10)).Count, usage.Totals(T0.AddMinutes(10)).Sum(0)));
    }

    [Fact]
    public void WindowedUsage_WithoutAWindow_IsCumulative()
    {
        var usage = new WindowedUsage(null);
        usage.Add(Spend(10), T0);
        usage.Add(Spend(20), T0.AddDays(400));
        Assert.Equal((2, 30d), (usage.Totals(T0.AddDays(800)).Count, usage.Totals(T0.AddDays(800)).Sum(0)));
        Assert.Null(usage.NextExpiry(T0));
    }

    [Fact]
    public void WindowedUsage_RefusesAWindowTooShortToBucket() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowedUsage(TimeSpan.FromMilliseconds(10)));

    [Fact]
    public void Ledger_KeepsEachPolicysWindow_AndSurvivesCaptureAndRestore()
    {
        var set = PolicyReader.Read("""
            policies:
              - { name: daily, scope: tenant, window: 24h, when: "sum(tokens_used) > 1000", action: abort_lifetime }
              - { name: minute, scope: tenant, window: 1m, when: "sum(cost_usd) > 1", action: pause_lifetime }
              - { name: forever, scope: tenant, when: "count() > 100", action: reject_execution }
            """, "tenant.yaml");
        var ledger = new TenantLedger("acme");
        ledger.Track(set.Policies);
        ledger.Charge(Spend(400, usd: 0.5), T0);
        ledger.Charge(Spend(300, usd: 0.25), T0.AddMinutes(2));

        var (daily, minute, forever) = (set.Policies[0], set.Policies[1], set.Policies[2]);
        var now = T0.AddMinutes(2);
        Assert.Equal((700d, 0.25, 2L), (ledger.TotalsFor(daily, now).Sum(0), ledger.TotalsFor(minute, now).Sum(3), ledger.TotalsFor(forever, now).Count));
        Assert.Equal(T0.AddMinutes(2).AddSeconds(61), ledger.NextExpiry(now));

        var restored = TenantLedger.Restore(ledger.Capture(now), "acme", now);
        Assert.Equal(2, restored.Charges);
        Assert.Equal((700d, 0.25, 2L), (restored.TotalsFor(daily, now).Sum(0), restored.TotalsFor(minute, now).Sum(3), restored.TotalsFor(forever, now).Count));

        // Restored a day later: the daily window has let go of both, all time has not.
        var nextDay = T0.AddDays(1).AddMinutes(30);
        var aged = TenantLedger.Restore(ledger.Capture(now), "acme", nextDay);
        Assert.Equal((0d, 2L), (aged.TotalsFor(daily, nextDay).Sum(0), aged.TotalsFor(forever, nextDay).Count));
    }

    [Fact]
    public void Merge_OfDeltas_EqualsChargingEveryChargeInOneLedger_InEveryWindow()
    {
        var set = PolicyReader.Read("""
            policies:
              - { name: minute, scope: tenant, window: 1m, when: "sum(tokens_used) > 1000", action: abort_lifetime }
              - { name: forever, scope: tenant, when: "count() > 100", action: reject_execution }
            """, "tenant.yaml");
        var (minute, forever) = (set.Policies[0], set.Policies[1]);
        var direct = new TenantLedger("acme");
        direct.Track(set.Policies);
        var owner = new TenantLedger("acme");
        owner.Track(set.Policies);

        // Two silos charge interleaved over two and a half minutes; each flushes its delta every 20 s.
        var silos = new[] { new TenantLedger("acme"), new TenantLedger("acme") };
        foreach (var s in silos)
        {
            s.Track(set.Policies);
        }

        for (var second = 0; second < 150; second++)
        {
            var at = T0.AddSeconds(second);
            var sample = Spend(second + 1, latencyMs: second);
            direct.Charge(sample, at);
            silos[second % 2].Charge(sample, at);
            if (second % 20 == 19)
            {
                for (var i = 0; i < silos.Length; i++)
                {
                    // On the wire: the delta's stored form, restored by the owner.
                    owner.Merge(TenantLedger.Restore(silos[i].Capture(at), "acme", at));
                    silos[i] = new TenantLedger("acme");
                    silos[i].Track(set.Policies);
                }
            }
        }

        var end = T0.AddSeconds(150);
        foreach (var s in silos)
        {
            owner.Merge(s);
        }

        Assert.Equal(direct.Charges, owner.Charges);
        foreach (var policy in set.Policies)
        {
            var (d, o) = (direct.TotalsFor(policy, end), owner.TotalsFor(policy, end));
            Assert.Equal((d.Count, d.Sum(0), d.Max(4), d.Min(4)), (o.Count, o.Sum(0), o.Max(4), o.Min(4)));
        }

        Assert.Equal(direct.NextExpiry(end), owner.NextExpiry(end));
        Assert.Equal(150, owner.TotalsFor(forever, end).Count);
        Assert.InRange(owner.TotalsFor(minute, end).Count, 60, 62);
    }

    [Fact]
    public void Merge_DropsADeltaBucketOlderThanTheOneInItsSlot_AndRefusesAnotherTenant()
    {
        var window = TimeSpan.FromMinutes(1); // 62 slots of 1 s
        var usage = new WindowedUsage(window);
        usage.Add(Spend(5), T0.AddSeconds(62));
        var stale = new WindowedUsage(window);
        stale.Add(Spend(1000), T0); // same slot, 62 buckets older: long out of the window

        usage.Merge(stale);

        Assert.Equal((1, 5d), (usage.Totals(T0.AddSeconds(62)).Count, usage.Totals(T0.AddSeconds(62)).Sum(0)));
        var ex = Assert.Throws<ArgumentException>(() => new TenantLedger("acme").Merge(new TenantLedger("other")));
        Assert.StartsWith("a ledger of tenant 'other' cannot be merged into tenant 'acme's", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => usage.Merge(new WindowedUsage(TimeSpan.FromMinutes(2))));
    }

    [Theory]
    [InlineData("{}", "tenant ledger of 'acme' is malformed")]
    [InlineData("""{"format":9,"tenant":"acme"}""", "tenant ledger of 'acme' has format 9; this runtime reads format 1")]
    [InlineData("""{"format":1,"tenant":"other","charges":0}""", "tenant ledger stored for 'acme' names tenant 'other'")]
    [InlineData("not json", "tenant ledger of 'acme' is malformed")]
    public void Ledger_RefusesAStateItCannotTrust(string state, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => TenantLedger.Restore(System.Text.Encoding.UTF8.GetBytes(state), "acme", T0));
        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnrecordedCharges_TravelWithAFlush_AreDroppedByTheirConfirmation_AndSurviveCaptureAndRestore()
    {
        var owner = new TenantLedger("acme");
        var first = new TenantLedger("acme");
        first.Charge(Spend(100), T0);
        first.AddUnrecorded(new UnrecordedCharge("lt-1", "lt-1.1", 1, new ExecutionTelemetry(100, 0, 0.25, 9, "m")));
        first.AddUnrecorded(new UnrecordedCharge("lt-2", "lt-2.1", 1, new ExecutionTelemetry(7, 0, 0, 1)));
        owner.Merge(TenantLedger.Restore(first.Capture(T0), "acme", T0));
        Assert.Equal(2, owner.UnrecordedCount);

        // The next flush confirms lt-1's record and one that was never kept here (it matches nothing).
        var second = new TenantLedger("acme");
        second.MarkRecorded("lt-1", "lt-1.1", 1);
        second.MarkRecorded("lt-3", "lt-3.1", 2);
        Assert.Equal(2, TenantLedger.Restore(second.Capture(T0), "acme", T0).RecordedCount);
        owner.Merge(TenantLedger.Restore(second.Capture(T0), "acme", T0));
        owner.ForgetConfirmations();

        var stored = TenantLedger.Restore(owner.Capture(T0), "acme", T0);
        Assert.Equal((1, 0, 100d), (stored.UnrecordedCount, stored.RecordedCount, stored.AllTime.Sum(0)));
        Assert.Empty(stored.UnrecordedOf("lt-1"));
        Assert.Equal(new UnrecordedCharge("lt-2", "lt-2.1", 1, new ExecutionTelemetry(7, 0, 0, 1)), Assert.Single(stored.UnrecordedOf("lt-2")));

        // A confirmation in the same ledger as its charge cancels it there (a failed flush merged into the next).
        var both = new TenantLedger("acme");
        both.AddUnrecorded(new UnrecordedCharge("lt-4", "lt-4.1", 3, new ExecutionTelemetry(1, 1, 0, 1)));
        both.MarkRecorded("lt-4", "lt-4.1", 3);
        Assert.Equal((0, 0), (both.UnrecordedCount, both.RecordedCount));
    }

    [Fact]
    public void ALedgerStoredBeforeUnrecordedChargesExisted_StillRestores()
    {
        var ledger = new TenantLedger("acme");
        ledger.Charge(Spend(5), T0);
        var json = System.Text.Encoding.UTF8.GetString(ledger.Capture(T0));
        Assert.DoesNotContain("unrecorded", json, StringComparison.Ordinal);
        Assert.Equal((5d, 0), (TenantLedger.Restore(System.Text.Encoding.UTF8.GetBytes(json), "acme", T0).AllTime.Sum(0), TenantLedger.Restore(System.Text.Encoding.UTF8.GetBytes(json), "acme", T0).UnrecordedCount));
    }
}
