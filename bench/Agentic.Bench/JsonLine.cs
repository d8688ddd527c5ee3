using System.Text;
using System.Text.Json;

namespace Agentic.Bench;

internal static class JsonLine
{
    public static string Format(WorkloadResult r)
    {
        var gaps = r.GapsMs.Order().ToArray();
        var lifetimes = r.LifetimeMs.Order().ToArray();
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("label", r.Label);
            w.WriteString("profile", r.Profile);
            w.WriteNumber("lifetimes", r.Lifetimes);
            w.WriteNumber("steps", r.Steps);
            w.WriteNumber("wall_ms", Math.Round(r.WallMs, 3));
            w.WriteNumber("node_execs", r.NodeExecs);
            w.WriteNumber("node_exec_per_s", Math.Round(r.NodeExecPerSecond));
            w.WriteNumber("lifetimes_per_s", Math.Round(r.LifetimesPerSecond, 1));
            w.WriteStartObject("gap_ms");
            w.WriteNumber("p50", Math.Round(Percentiles.Of(gaps, 50), 4));
            w.WriteNumber("p90", Math.Round(Percentiles.Of(gaps, 90), 4));
            w.WriteNumber("p99", Math.Round(Percentiles.Of(gaps, 99), 4));
            w.WriteNumber("max", Math.Round(gaps.Length == 0 ? double.NaN : gaps[^1], 4));
            w.WriteEndObject();
            w.WriteStartObject("lifetime_ms");
            w.WriteNumber("p50", Math.Round(Percentiles.Of(lifetimes, 50), 3));
            w.WriteNumber("p99", Math.Round(Percentiles.Of(lifetimes, 99), 3));
            w.WriteEndObject();
            w.WriteNumber("peak_rss_mb", Math.Round(r.PeakRssMb, 1));
            w.WriteNumber("cpu_us_per_exec", Math.Round(r.CpuMs * 1000 / r.NodeExecs, 3));
            if (r.Durability is not null)
            {
                w.WriteString("durability", r.Durability);
            }

            w.WriteBoolean("ok", r.Ok);
            if (r.Failure is not null)
            {
                w.WriteString("failure", r.Failure);
            }

            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
