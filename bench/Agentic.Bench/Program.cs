using System.Globalization;
using Agentic.Bench;
using Agentic.Storage.Sqlite;

// Usage: dotnet run -c Release --project bench/Agentic.Bench -- [--workload A,B,C,D,G,G-alone,M,R,X] [--runs 5] [--sync full|normal] [--warmup N]
// Every workload runs on one in-process Orleans silo (the product's host), as BENCH.md describes.
// Prints one JSON line per measured run, then one "median" line per workload (BENCH.md fields).
// --warmup N: exactly N warm-up runs instead of 3 seconds' worth, so a run under an instruction counter (valgrind)
// does the same work every time.
// --retain N|all: finished lifetimes the in-memory journal keeps (default 2000: two runs' worth, as a long-running in-memory host
// would bound it; "all" keeps every journal, so the heap grows run after run).
// The measured process runs without the framework's precompiled code (see BenchProcess); set DOTNET_ReadyToRun=1 to
// measure with it.
if (args.Length == 4 && args[0] == RecoveryWorkload.ChildFlag)
{
    return await RecoveryWorkload.ChildAsync(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture));
}

if (await BenchProcess.RelaunchUnderFullJitAsync(args) is { } childExit)
{
    return childExit;
}

var workloads = Arg("--workload", "A,B,D").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var runs = int.Parse(Arg("--runs", "5"), CultureInfo.InvariantCulture);
var warmupRuns = Arg("--warmup", "") is { Length: > 0 } n ? int.Parse(n, CultureInfo.InvariantCulture) : (int?)null;
var retain = Arg("--retain", "2000") is var r && r == "all" ? (int?)null : int.Parse(r, CultureInfo.InvariantCulture);
var sync = Arg("--sync", "full") == "normal" ? SqliteSynchronous.Normal : SqliteSynchronous.Full;
var dir = Directory.CreateTempSubdirectory("agentic-bench-").FullName;
var exit = 0;
try
{
    foreach (var w in workloads)
    {
        // Every workload runs on the product's host: one in-process Orleans silo, lifetimes as grains, driven
        // through IGrainFactory as a web API would.
        switch (w.ToUpperInvariant())
        {
            case "A":
                exit |= await Measure("A", "none", lifetimes: 1000, steps: 10, sqlite: null);
                break;
            case "G":
                // A with three active policies, one a per-tenant cumulative budget: every execution of the 1,000
                // lifetimes (one tenant) is judged at execution and lifetime scope and charged to the tenant's ledger.
                // A and G each run in a process of their own, alternating which goes first: inside one process the
                // second silo's runs were about twice as slow whichever workload it was (docs/performance.md).
                exit |= await GuardrailRatio.RunAsync(runs, pairs: 3);
                break;
            case "G-ALONE":
                // G measured like A, in a process of its own (what workload G runs beside A).
                exit |= await Measure("G", "none", lifetimes: 1000, steps: 10, sqlite: null, GuardrailPolicies());
                break;
            case "B":
                exit |= await Measure("B", "sqlite", lifetimes: 1000, steps: 10, sqlite: Path.Combine(dir, "b.db"));
                break;
            case "D":
                exit |= await Measure("D", "none", lifetimes: 1, steps: 1000, sqlite: null);
                exit |= await Measure("D", "sqlite", lifetimes: 1, steps: 1000, sqlite: Path.Combine(dir, "d.db"));
                break;
            case "C":
                // B on PostgreSQL (fsync on), then D on it: the server scripts/postgres.sh starts, or AGENTIC_POSTGRES's.
                var postgres = await BenchPostgres.ConnectionStringAsync(dir);
                exit |= await Measure("C", "postgres", lifetimes: 1000, steps: 10, sqlite: null, postgres: postgres);
                exit |= await Measure("D", "postgres", lifetimes: 1, steps: 1000, sqlite: null, postgres: postgres);
                break;
            case "CG":
                // C with workload G's policies (a tenant budget among them): what durable tenant charging costs on
                // PostgreSQL (every record waits for its charge; lifetimes confirm charges and check for lost attempts).
                exit |= await Measure("CG", "postgres", lifetimes: 1000, steps: 10, sqlite: null, GuardrailPolicies(), postgres: await BenchPostgres.ConnectionStringAsync(dir));
                break;
            case "S":
                // Issue 17's load: 200 starts/s for 60 s through the API, every lifetime followed by its own SSE client.
                exit |= await ServerLoadWorkload.RunAsync(dir, rate: int.Parse(Arg("--rate", "200"), System.Globalization.CultureInfo.InvariantCulture), seconds: int.Parse(Arg("--seconds", "60"), System.Globalization.CultureInfo.InvariantCulture));
                break;
            case "X":
                exit |= await ClusterWorkload.RunAsync(dir, runs);
                break;
            case "M":
                exit |= await ParkedWorkload.RunAsync(10_000, Path.Combine(dir, "m10k.db"));
                exit |= await ParkedWorkload.RunAsync(100_000, Path.Combine(dir, "m100k.db"));
                break;
            case "R":
                exit |= await RecoveryWorkload.RunAsync(dir, lifetimes: 1000, steps: 10, runs);
                break;
            default:
                Console.Error.WriteLine($"unknown workload '{w}' (known: A, B, C, CG, D, G, G-alone, M, R, S, X)");
                return 2;
        }
    }
}
finally
{
    await BenchPostgres.StopAsync();
    Directory.Delete(dir, recursive: true);
}

return exit;

async Task<int> Measure(string label, string profile, int lifetimes, int steps, string? sqlite, Agentic.Core.Guardrails.PolicySet? policies = null, string? postgres = null)
{
    CollectEarlierWorkloads();
    await using var workload = await GrainWorkload.StartAsync(profile, steps, sqlite, sync, retain, policies, postgres);
    return await MeasureRuns(label, profile, lifetimes, workload);
}

async Task<int> MeasureRuns(string label, string profile, int lifetimes, IBenchWorkload workload)
{
    // Warm up for a fixed time (at least 3 runs) so tiered JIT and PGO have settled before anything is measured.
    Console.Error.WriteLine($"[{label}/{profile}] warming up…");
    var warm = System.Diagnostics.Stopwatch.StartNew();
    for (var w = 0; warmupRuns is { } fixedRuns ? w < fixedRuns : w < 3 || warm.Elapsed < TimeSpan.FromSeconds(3); w++)
    {
        await workload.RunAsync(label, lifetimes);
    }

    var results = new List<WorkloadResult>();
    for (var i = 1; i <= runs; i++)
    {
        Console.Error.WriteLine($"[{label}/{profile}] run {i}/{runs}");
        var r = await workload.RunAsync(label, lifetimes);
        results.Add(r);
        Console.WriteLine(JsonLine.Format(r));
    }

    var median = results.OrderBy(r => r.NodeExecPerSecond).ElementAt(results.Count / 2);
    Console.WriteLine(JsonLine.Format(median with { Label = $"{label} median of {runs}" }));

    // With a large gen-0 budget most runs see no collection and the median is one of them: the whole stretch of runs,
    // every pause included, is printed beside it.
    Console.WriteLine(JsonLine.Format(median with
    {
        Label = $"{label} all {runs} runs together",
        Lifetimes = results.Sum(r => r.Lifetimes),
        WallMs = results.Sum(r => r.WallMs),
        NodeExecs = results.Sum(r => r.NodeExecs),
        GapsMs = [.. results.SelectMany(r => r.GapsMs)],
        LifetimeMs = [.. results.SelectMany(r => r.LifetimeMs)],
        PeakRssMb = results.Max(r => r.PeakRssMb),
        CpuMs = results.Sum(r => r.CpuMs),
        Ok = results.All(r => r.Ok),
        Failure = results.FirstOrDefault(r => !r.Ok)?.Failure,
    }));
    return results.All(r => r.Ok) ? 0 : 1;
}

static Agentic.Core.Guardrails.PolicySet GuardrailPolicies() => Agentic.Core.Guardrails.PolicyReader.Read("""
    policies:
      - { name: slow-step, scope: execution, when: "latency_ms > 30000 and node == 'task'", action: reject_execution }
      - { name: loop-cap, scope: lifetime, when: "max(iteration_idx) >= 1000", action: pause_lifetime }
      - { name: tenant-budget, scope: tenant, when: "sum(tokens_used) > 1000000000000 or count() > 1000000000", action: abort_lifetime }
    """, "bench-g.yaml");

string Arg(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

// Workloads run one after another in this process: what an earlier one left (A's in-memory journals are hundreds of
// MB) is collected before the next starts, or a later workload pays for collecting it (B measured 47k node exec/s
// after A in one process, 55k alone, within the same hour).
static void CollectEarlierWorkloads()
{
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    GC.WaitForPendingFinalizers();
    GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
}
