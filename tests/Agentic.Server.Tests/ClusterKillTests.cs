using System.Net;
using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Guardrails;
using Agentic.Orleans;
using Agentic.Storage.Postgres;
using Agentic.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace Agentic.Server.Tests;

/// <summary>
/// The cluster proof with real processes: three silo processes on one PostgreSQL run lifetimes with fan-outs, retries
/// and a tenant budget; one silo is killed with SIGKILL mid-run. From the journal: every lifetime completed, no sequence
/// gap, no execution completed twice, and the tenant's ledger holds exactly the journals' sum: an attempt whose charge
/// was stored before the silo died, and whose record never came, is recorded as lost with what it spent by the
/// lifetime's next activation.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ClusterKillTests(PostgresServer postgres, ITestOutputHelper output) : IDisposable
{
    // CI runs 120; bench/cluster-proof.sh runs 1,000 (AGENTIC_PROOF_LIFETIMES).
    private static readonly int Lifetimes = int.TryParse(Environment.GetEnvironmentVariable("AGENTIC_PROOF_LIFETIMES"), out var n) && n > 0 ? n : 120;
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-cluster-").FullName;
    private readonly string _schema = "k_" + Guid.NewGuid().ToString("N")[..12];
    private readonly string _cluster = "kill-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ThreeSiloProcesses_OneKilled_EveryLifetimeCompletes_GaplessOnce_AndTheLedgerHoldsTheJournals()
    {
        var policies = Path.Combine(_dir, "policies.yaml");
        await File.WriteAllTextAsync(policies, "policies:\n  - { name: budget, scope: tenant, when: \"sum(tokens_used) >= 100000000\", action: abort_lifetime }\n");
        var graph = GraphReader.Parse("""
            graph: proof
            version: 1.0.0
            nodes:
              - { name: ask,    kind: task, type: llm, config: { provider: echo, model: m, prompt: "hello {{input.n}}" } }
              - { name: fan,    kind: plan, type: all }
              - { name: a,      kind: task, type: sleep, config: { ms: 5000 } }
              - { name: b,      kind: task, type: fail, config: { times: 1 }, retry: { max_attempts: 3, backoff: 100ms } }
              - { name: c,      kind: task, type: sleep, config: { ms: 6000 } }
              - { name: join,   kind: plan, type: all }
            edges:
              - { from: ask, to: fan }
              - { from: fan, to: a }
              - { from: fan, to: b }
              - { from: fan, to: c }
              - { from: a, to: join }
              - { from: b, to: join }
              - { from: c, to: join }
              - { from: join, to: end, kind: final }
            """, "proof.yaml");
        var environment = new Dictionary<string, string> { ["ConnectionStrings__Agentic"] = postgres.ConnectionString };
        string[] settings = ["--Agentic:Journal=postgres", $"--Agentic:Schema={_schema}", $"--Agentic:ClusterId={_cluster}", $"--Agentic:Policies={policies}"];
        var ports = Enumerable.Range(0, 3).Select(_ => (Silo: ServerProcess.FreePort(), Gateway: ServerProcess.FreePort())).ToList();
        var silos = new List<ServerProcess>();
        try
        {
            // The first migrates the schema; the others start once it is there.
            silos.Add(ServerProcess.Start(_dir, ports[0].Silo, ports[0].Gateway, environment, settings));
            Assert.True(await silos[0].WaitReadyAsync(TimeSpan.FromSeconds(60)), silos[0].Output);
            silos.AddRange(ports.Skip(1).Select(p => ServerProcess.Start(_dir, p.Silo, p.Gateway, environment, settings)));
            foreach (var silo in silos)
            {
                Assert.True(await silo.WaitReadyAsync(TimeSpan.FromSeconds(60)), silo.Output);
            }

            using var client = await ClientAsync(ports.Select(p => p.Gateway));
            var grains = client.Services.GetRequiredService<IClusterClient>();
            var started = await Task.WhenAll(Enumerable.Range(0, Lifetimes).Select(n => grains.StartLifetimeAsync(graph, new { n }, tenantId: "acme")));
            var ids = started.Select(l => l.GetPrimaryKeyString()).ToList();

            // Mid-run: the fan-outs are open (their sleeps take 5 and 6 s), retries pending. SIGKILL the third silo.
            await using var journal = new PostgresJournalStore(new PostgresJournalOptions { ConnectionString = postgres.ConnectionString, Schema = _schema });
            var unfinishedAtKill = (await journal.ListUnfinishedAsync(default)).ToHashSet();
            var killedAt = DateTimeOffset.UtcNow;
            silos[2].Kill();
            Assert.True(unfinishedAtKill.Count >= Lifetimes / 3, $"only {unfinishedAtKill.Count} of {Lifetimes} lifetimes were running at the kill");
            var deadline = DateTime.UtcNow.AddSeconds(90 + (Lifetimes / 10));
            while ((await journal.ListUnfinishedAsync(default)) is { Count: > 0 } unfinished)
            {
                if (DateTime.UtcNow >= deadline)
                {
                    Assert.Fail(await StuckReportAsync(journal, unfinished, killedAt, silos));
                }

                await Task.Delay(250);
            }

            long journalTokens = 0, lostTokens = 0, lostAttempts = 0;
            var progressedAgain = TimeSpan.Zero;
            foreach (var id in ids)
            {
                var records = await journal.ReadAsync(id, 1, default).ToListAsync();
                Assert.Equal(Enumerable.Range(1, records.Count).Select(s => (long)s), records.Select(r => r.Sequence));
                var end = Assert.IsType<LifetimeEndedEntry>(records[^1]);
                Assert.True(end.Phase == ExecutionPhase.Completed, $"lifetime {id} ended {end.Phase}: {end.Reason}");
                var finished = records.OfType<ExecutionEntry>().Where(e => e.Phase is ExecutionPhase.Completed).Select(e => e.ExecutionId).ToList();
                Assert.Equal(finished.Count, finished.Distinct().Count());
                journalTokens += records.OfType<ExecutionEntry>().Sum(e => e.Telemetry.TokensUsed);
                lostTokens += records.OfType<ExecutionEntry>().Where(e => e.Phase == ExecutionPhase.Lost).Sum(e => e.Telemetry.TokensUsed);
                lostAttempts += records.OfType<ExecutionEntry>().Count(e => e.Phase == ExecutionPhase.Lost);
                if (unfinishedAtKill.Contains(id) && records.FirstOrDefault(r => r.RecordedAt > killedAt) is { } next)
                {
                    progressedAgain = TimeSpan.FromTicks(Math.Max(progressedAgain.Ticks, (next.RecordedAt - killedAt).Ticks));
                }
            }

            // The guardrail grain's ledger counts what the journals hold, lost attempts included; once the survivors'
            // confirmations are flushed (write-behind), it keeps no charge unconfirmed.
            var guardrail = grains.GetGrain<IGuardrailGrain>("acme");
            var ledger = TenantLedger.Restore((await RetriedAsync(guardrail.GetLedgerAsync)).State, "acme", DateTimeOffset.UtcNow);
            var settleBy = DateTime.UtcNow.AddSeconds(15);
            while (ledger.UnrecordedCount > 0 && DateTime.UtcNow < settleBy)
            {
                await Task.Delay(100);
                ledger = TenantLedger.Restore((await RetriedAsync(guardrail.GetLedgerAsync)).State, "acme", DateTimeOffset.UtcNow);
            }

            var ledgerTokens = (long)ledger.AllTime.Sum(0);
            output.WriteLine($"{Lifetimes} lifetimes, {unfinishedAtKill.Count} unfinished at the kill; every one of them recorded again within {progressedAgain.TotalSeconds:0.00} s of the kill; tenant tokens: journals {journalTokens}, ledger {ledgerTokens} ({lostAttempts} attempt(s) recorded lost, {lostTokens} tokens)");
            if (journalTokens != ledgerTokens || ledger.UnrecordedCount > 0)
            {
                var report = new System.Text.StringBuilder($"tenant tokens: journals {journalTokens}, ledger {ledgerTokens}; {ledger.UnrecordedCount} charge(s) kept unconfirmed:\n");
                foreach (var id in ids)
                {
                    foreach (var kept in await RetriedAsync(() => guardrail.GetUnrecordedAsync(id)))
                    {
                        var records = await journal.ReadAsync(id, 1, default).ToListAsync();
                        report.AppendLine($"  {id} {kept.ExecutionId} attempt {kept.Attempt} ({kept.InputTokens + kept.OutputTokens} tokens); its records: " + string.Join(" | ", records.OfType<ExecutionEntry>().Where(e => e.ExecutionId == kept.ExecutionId).Select(e => $"#{e.Sequence} {e.RecordedAt:HH:mm:ss.fff} {e.Phase} attempt {e.Attempt}")));
                    }
                }

                foreach (var silo in silos)
                {
                    report.AppendLine(string.Join("\n", silo.Output.Split('\n').Where(l => l.Contains("deactivated while running", StringComparison.Ordinal) || l.Contains("Recover", StringComparison.Ordinal)).Take(10)));
                }

                Assert.Fail(report.ToString());
            }
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.Dispose();
            }
        }
    }

    /// <summary>What a failed run needs to be understood: each stuck lifetime's last records and the silos' warnings.</summary>
    private static async Task<string> StuckReportAsync(PostgresJournalStore journal, IReadOnlyList<string> unfinished, DateTimeOffset killedAt, List<ServerProcess> silos)
    {
        var report = new System.Text.StringBuilder($"{unfinished.Count} lifetime(s) still unfinished long after the kill at {killedAt:HH:mm:ss.fff}:\n");
        foreach (var id in unfinished.Take(5))
        {
            var records = await journal.ReadAsync(id, 1, default).ToListAsync();
            report.AppendLine($"  {id}: {records.Count} records; last: " + string.Join(" | ", records.TakeLast(4).Select(r => r switch
            {
                ExecutionEntry e => $"#{e.Sequence} {e.RecordedAt:HH:mm:ss.fff} {e.NodeName} {e.Phase} attempt {e.Attempt}",
                _ => $"#{r.Sequence} {r.RecordedAt:HH:mm:ss.fff} {r.GetType().Name}",
            })));
        }

        for (var i = 0; i < silos.Count; i++)
        {
            var lines = silos[i].Output.Split('\n');
            var notable = lines.Where(l => l.StartsWith("warn:", StringComparison.Ordinal) || l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal) || l.Contains("Recovery", StringComparison.Ordinal)).TakeLast(15);
            report.AppendLine($"silo {i} (pid {silos[i].Id}{(silos[i].HasExited ? ", exited" : string.Empty)}), {lines.Length} lines; its last warnings:");
            foreach (var line in notable)
            {
                var at = Array.IndexOf(lines, line);
                report.AppendLine("  " + string.Join(" ", lines.Skip(at).Take(2)).Trim());
            }
        }

        return report.ToString();
    }

    private async Task<IHost> ClientAsync(IEnumerable<int> gateways)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(c => c
            .UseStaticClustering(gateways.Select(p => new IPEndPoint(IPAddress.Loopback, p)).ToArray())
            .Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (_cluster, "agentic"))
            .AddAgenticClient());
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// A grain call made again while the client still routes to the killed silo (its view of the cluster lags the
    /// survivors' by a few seconds), as any client does with a 503: up to 20 s.
    /// </summary>
    private static async Task<T> RetriedAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception ex) when (ex is OrleansMessageRejectionException or SiloUnavailableException or TimeoutException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
