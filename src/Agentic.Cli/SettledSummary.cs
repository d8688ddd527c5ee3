using Agentic.Core.Execution;
using Agentic.Runtime.Lifetimes;
using Spectre.Console;

namespace Agentic.Cli;

/// <summary>Prints many settled lifetimes as counts by status (<c>run --count</c>, <c>resume</c>); exit code of the worst.</summary>
internal static class SettledSummary
{
    public static int Print(CliIo io, IReadOnlyList<LifetimeView> views, TimeSpan elapsed, bool json, string verb, string countField, string timeField, bool listLifetimes, IReadOnlyList<Runtime.Hosting.RecoveryFailure>? notRecovered = null)
    {
        var counts = views.GroupBy(v => v.Phase).OrderBy(g => g.Key).Select(g => (Phase: g.Key.ToWireName(), Count: g.Count())).ToList();
        if (json)
        {
            io.Output.WriteLine(JsonText.Write(w =>
            {
                w.WriteStartObject();
                w.WriteNumber(countField, views.Count);
                w.WriteNumber(timeField, Math.Round(elapsed.TotalMilliseconds, 1));
                w.WriteStartObject("by_status");
                foreach (var (phase, count) in counts)
                {
                    w.WriteNumber(phase, count);
                }

                w.WriteEndObject();
                if (listLifetimes)
                {
                    w.WriteStartArray("lifetimes");
                    foreach (var v in views)
                    {
                        LifetimeText.Write(w, v);
                    }

                    w.WriteEndArray();
                }

                if (notRecovered is { Count: > 0 })
                {
                    w.WriteStartArray("not_recovered");
                    foreach (var f in notRecovered)
                    {
                        w.WriteStartObject();
                        w.WriteString("lifetime_id", f.LifetimeId);
                        w.WriteString("reason", f.Reason);
                        w.WriteBoolean("marked_failed", f.MarkedFailed);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }));
        }
        else
        {
            io.Console.MarkupLine(Markup.Escape($"{views.Count} lifetime(s) {verb} in {elapsed.TotalMilliseconds:0} ms: {string.Join(", ", counts.Select(c => $"{c.Count} {c.Phase}"))}"));
        }

        // The worst of them: any failed 1, else any parked 3, else 0.
        return views.Any(v => v.Phase is ExecutionPhase.Failed or ExecutionPhase.Aborted or ExecutionPhase.Cancelled) ? ExitCodes.FailedOrAborted
            : views.Any(v => !v.Phase.IsTerminal()) ? ExitCodes.Parked
            : ExitCodes.Completed;
    }
}
