using Agentic.Core.Execution;
using Agentic.Runtime.Journal;

namespace Agentic.Runtime.Guardrails;

/// <summary>
/// Tokens and cost so far, by tenant, node and model, read from the journal (the truth: every execution record
/// carries its telemetry), for one lifetime, one tenant, or everything in the store. Cancelled executions did not
/// run and count nothing; failed and rejected ones count what they spent.
/// </summary>
public sealed class UsageReport
{
    private UsageReport(IReadOnlyList<UsageLine> lines, int lifetimes, long executions, IReadOnlyList<UsageHour> hours)
    {
        Hours = hours;
        Lines = lines;
        Lifetimes = lifetimes;
        Executions = executions;
    }

    /// <summary>Lines with any tokens or cost, by tenant, then most expensive first.</summary>
    public IReadOnlyList<UsageLine> Lines { get; }

    public int Lifetimes { get; }

    /// <summary>Spend per hour (UTC) of the records that carried it, oldest first: what a chart of spend over time shows.</summary>
    public IReadOnlyList<UsageHour> Hours { get; }

    /// <summary>Executions read, including those that spent nothing.</summary>
    public long Executions { get; }

    public long TokensUsed => Lines.Sum(l => l.TokensUsed);

    public long InputTokens => Lines.Sum(l => l.InputTokens);

    public long OutputTokens => Lines.Sum(l => l.OutputTokens);

    public double CostUsd => Lines.Sum(l => l.CostUsd);

    /// <summary>Reads the journals of <paramref name="lifetimeId"/>, or of every lifetime of <paramref name="tenantId"/>, or of all lifetimes.</summary>
    public static async Task<UsageReport> ReadAsync(IJournalStore store, string? tenantId, string? lifetimeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        IEnumerable<string> ids;
        if (lifetimeId is not null)
        {
            ids = [lifetimeId];
        }
        else
        {
            var all = await store.ListLifetimesAsync(null, int.MaxValue, cancellationToken).ConfigureAwait(false);
            ids = all.Where(l => tenantId is null || l.TenantId == tenantId).Select(l => l.LifetimeId).ToList();
        }

        var sums = new Dictionary<(string Tenant, string Node, string Model), (long Executions, long Input, long Output, double Cost)>();
        var lifetimes = 0;
        long executions = 0;
        var hours = new SortedDictionary<DateTimeOffset, (long Tokens, double Cost)>();
        foreach (var id in ids)
        {
            string? tenant = null;
            await foreach (var entry in store.ReadAsync(id, 1, cancellationToken).ConfigureAwait(false))
            {
                if (entry is LifetimeStartedEntry start)
                {
                    tenant = start.TenantId;
                    continue;
                }

                // An execution that waited for a person counts once, at its waiting record (which carries what drafting the
                // question spent); the record of the answer spends nothing. A cancelled one spent nothing recorded.
                if (entry is not ExecutionEntry { Phase: not ExecutionPhase.Cancelled, ProvidedBy: null } e)
                {
                    continue;
                }

                executions++;
                var t = e.Telemetry;
                if (t.TokensUsed == 0 && t.CostUsd == 0)
                {
                    continue;
                }

                var hour = new DateTimeOffset(e.RecordedAt.UtcDateTime.Ticks - (e.RecordedAt.UtcDateTime.Ticks % TimeSpan.TicksPerHour), TimeSpan.Zero);
                var h = hours.GetValueOrDefault(hour);
                hours[hour] = (h.Tokens + t.TokensUsed, h.Cost + t.CostUsd);
                var key = (tenant ?? string.Empty, e.NodeName, t.Model ?? string.Empty);
                var s = sums.GetValueOrDefault(key);
                sums[key] = (s.Executions + 1, s.Input + t.InputTokens, s.Output + t.OutputTokens, s.Cost + t.CostUsd);
            }

            if (tenant is null)
            {
                if (lifetimeId is not null)
                {
                    throw new KeyNotFoundException($"lifetime {lifetimeId} is not in the journal");
                }

                continue;
            }

            if (tenantId is not null && tenant != tenantId)
            {
                throw new ArgumentException($"lifetime {lifetimeId} belongs to tenant '{tenant}', not '{tenantId}'");
            }

            lifetimes++;
        }

        var lines = sums
            .Select(kv => new UsageLine(kv.Key.Tenant, kv.Key.Node, kv.Key.Model, kv.Value.Executions, kv.Value.Input, kv.Value.Output, kv.Value.Cost))
            .OrderBy(l => l.TenantId, StringComparer.Ordinal)
            .ThenByDescending(l => l.CostUsd)
            .ThenByDescending(l => l.TokensUsed)
            .ThenBy(l => l.Node, StringComparer.Ordinal)
            .ToList();
        return new UsageReport(lines, lifetimes, executions, hours.Select(kv => new UsageHour(kv.Key, kv.Value.Tokens, kv.Value.Cost)).ToList());
    }
}
