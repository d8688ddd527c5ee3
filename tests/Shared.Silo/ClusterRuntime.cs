using System.Collections.Concurrent;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;
using Agentic.Orleans;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Agentic.Tests;

/// <summary>
/// The runtime's behaviour tests' view of a cluster: an <see cref="InProcessTestCluster"/> of silos with the Agentic
/// grains, sharing one journal store (as silos share a database), driven only through the lifetime grains from the
/// cluster's client. The methods are the ones the tests were written against; each is one or a few grain calls.
/// Recovery on start is off: a test decides when to recover (<see cref="RecoverAllAsync(CancellationToken)"/>).
/// </summary>
internal sealed class ClusterRuntime : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;
    private readonly ConcurrentDictionary<string, Task> _starts = new(StringComparer.Ordinal);
    private int _disposed;

    private ClusterRuntime(InProcessTestCluster cluster, IJournalStore store)
    {
        _cluster = cluster;
        Journal = store;
    }

    /// <summary>
    /// Starts <paramref name="silos"/> silos over <paramref name="store"/>. <paramref name="shared"/> registers
    /// services every silo must share (node handlers a test inspects); <paramref name="configure"/> runs per silo.
    /// </summary>
    public static Task<ClusterRuntime> StartAsync(IJournalStore store, Action<IServiceCollection>? shared, Action<AgenticBuilder>? configure, short silos = 2) =>
        StartAsync(services => shared?.Invoke(services.AddSingleton(store)), configure, silos);

    /// <summary>
    /// Starts <paramref name="silos"/> silos; <paramref name="services"/> runs on each silo's services (a store it
    /// registers there, such as SQLite's, is each silo's own), <paramref name="configure"/> too.
    /// </summary>
    public static async Task<ClusterRuntime> StartAsync(Action<IServiceCollection> services, Action<AgenticBuilder>? configure, short silos = 1)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            services(silo.Services);
            silo.Services.Configure<AgenticSiloOptions>(o => o.RecoverOnStart = false);
            silo.AddAgentic(configure);
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new ClusterRuntime(cluster, cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredService<IJournalStore>());
    }

    public IJournalStore Journal { get; }

    public InProcessTestCluster Cluster => _cluster;

    public IGrainFactory Grains => _cluster.Client;

    /// <summary>The node types registered (as every silo has them).</summary>
    public NodeRegistry Nodes => Silo(0).GetRequiredService<NodeRegistry>();

    /// <summary>The services of silo <paramref name="index"/>.</summary>
    public IServiceProvider Silo(int index) => _cluster.GetSiloServiceProvider(_cluster.Silos[index].SiloAddress);

    private IEnumerable<LifetimeServices> EverySilo => _cluster.Silos.Select(s => _cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<LifetimeServices>());

    /// <summary>Node executions dispatched and not yet finished, on every silo.</summary>
    public int RunningExecutions => EverySilo.Sum(s => s.Workers.InFlight);

    public ActivationTotals Activations
    {
        get
        {
            var counters = EverySilo.Select(s => s.Counters).ToList();
            return new ActivationTotals(
                counters.Sum(c => c.RecordsAppliedOnActivation),
                counters.Sum(c => c.SnapshotsUsedOnActivation),
                counters.Sum(c => c.SnapshotsIgnoredOnActivation),
                counters.Sum(c => c.SnapshotsTaken));
        }
    }

    /// <summary>Lifetime grains active now, on every silo.</summary>
    public async Task<int> LiveLifetimesAsync()
    {
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        var stats = await management.GetSimpleGrainStatistics();
        return stats.Where(s => s.GrainType.Contains(nameof(AgentLifetimeGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }

    /// <summary>The tenants' budgets of every silo (empty without policies).</summary>
    internal IReadOnlyList<Runtime.Guardrails.TenantGuardrails> Tenants => EverySilo.Select(s => s.Tenants).OfType<Runtime.Guardrails.TenantGuardrails>().ToList();

    public IReadOnlyList<GraphDiagnostic> Validate(AgentGraph graph) => GraphValidator.EnsureValid(graph, Nodes);

    /// <summary>
    /// Starts a lifetime: refuses an invalid graph (or cap) here, before anything is stored, then calls the lifetime
    /// grain. Calls this façade makes for the same id wait for the start call to return.
    /// </summary>
    public LifetimeHandle Start(AgentGraph graph, StartLifetimeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Validate(graph);
        options ??= new StartLifetimeOptions();
        var cap = options.IterationCap ?? graph.IterationCap ?? AgentGraph.DefaultIterationCap;
        if (cap < 1)
        {
            throw new ArgumentException($"iteration cap must be at least 1, got {cap}", nameof(options));
        }

        var id = options.LifetimeId ?? NewLifetimeId();
        var start = Lifetime(id).StartAsync(new StartLifetimeCommand(graph.CanonicalJson, options.TenantId ?? "default", Data(options.Input), options.IterationCap));
        _starts[id] = start;
        return new LifetimeHandle(id, EndAsync(id, start));
    }

    public async Task<LifetimeOutcome> RunAsync(AgentGraph graph, StartLifetimeOptions? options = null, CancellationToken cancellationToken = default) =>
        await Start(graph, options).Completion.WaitAsync(cancellationToken);

    public async Task<LifetimeView> PauseAsync(string lifetimeId, string actor, string? reason = null) => View(await (await Started(lifetimeId)).PauseAsync(actor, reason));

    public async Task<LifetimeView> ResumeAsync(string lifetimeId, string actor, string? reason = null) => View(await (await Started(lifetimeId)).ResumeAsync(actor, reason));

    public async Task<LifetimeView> AbortAsync(string lifetimeId, string actor, string? reason = null) => View(await (await Started(lifetimeId)).AbortAsync(actor, reason));

    public async Task<LifetimeView> ProvideInputAsync(string lifetimeId, string executionId, Payload input, string actor) =>
        View(await (await Started(lifetimeId)).ProvideInputAsync(executionId, Data(input)!, actor));

    public async Task<LifetimeView> InspectAsync(string lifetimeId) => View(await (await Started(lifetimeId)).InspectAsync());

    public async Task<LifetimeView> WhenSettledAsync(string lifetimeId) => View(await (await Started(lifetimeId)).WhenSettledAsync());

    public async Task<LifetimeOutcome> WaitForOutcomeAsync(string lifetimeId, CancellationToken cancellationToken = default) =>
        await EndAsync(lifetimeId, start: null).WaitAsync(cancellationToken);

    public async Task<ReplayReport> ReplayAsync(string lifetimeId, CancellationToken cancellationToken = default) =>
        JournalReplay.Replay(await LifetimeReplay.ReadAsync(Journal, lifetimeId, cancellationToken));

    /// <summary>Forks on the grains; throws what the fork's grain refused it with.</summary>
    public async Task<LifetimeHandle> ForkAsync(string lifetimeId, long fromSequence, string? forkId = null, CancellationToken cancellationToken = default)
    {
        var id = forkId ?? NewLifetimeId();
        var start = Lifetime(id).ForkAsync(lifetimeId, fromSequence);
        _starts[id] = start;
        var handle = new LifetimeHandle(id, EndAsync(id, start));
        await start.WaitAsync(cancellationToken);
        return handle;
    }

    /// <summary>Re-activates every unfinished lifetime of the journal through its grain (what the silos' recovery service does).</summary>
    public async Task<IReadOnlyList<LifetimeHandle>> RecoverAsync(CancellationToken cancellationToken = default) =>
        (await RecoverAllAsync(cancellationToken)).Recovered;

    public Task<RecoveryReport> RecoverAllAsync(CancellationToken cancellationToken = default) => RecoverAllAsync(null, cancellationToken);

    public async Task<RecoveryReport> RecoverAllAsync(IReadOnlyCollection<string>? lifetimeIds, CancellationToken cancellationToken = default)
    {
        IReadOnlyCollection<string> ids = lifetimeIds ?? await Journal.ListUnfinishedAsync(cancellationToken);
        var results = await Grains.ActivateLifetimesAsync(ids, cancellationToken);
        var recovered = new List<LifetimeHandle>();
        var failed = new List<RecoveryFailure>();
        foreach (var id in ids)
        {
            if (results[id] is { } error)
            {
                failed.Add(new RecoveryFailure(id, error.Message, await EndedFailedAsync(id, cancellationToken)));
            }
            else
            {
                recovered.Add(new LifetimeHandle(id, EndAsync(id, start: null)));
            }
        }

        return new RecoveryReport(recovered, failed);
    }

    public static string NewLifetimeId() => LifetimeIds.Format(Guid.CreateVersion7());

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Every silo stops at once, as when a whole deployment stops: no silo outlives another and recovers the
            // lifetimes of a silo that is leaving (a test decides what is recovered, and when).
            await _cluster.StopClusterClientAsync();
            await Task.WhenAll(_cluster.Silos.ToList().Select(_cluster.StopSiloAsync));
            await _cluster.DisposeAsync();
        }
    }

    private IAgentLifetimeGrain Lifetime(string id) => Grains.GetGrain<IAgentLifetimeGrain>(id);

    private async Task<IAgentLifetimeGrain> Started(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_starts.TryGetValue(id, out var start))
        {
            try
            {
                await start;
            }
            catch (Exception)
            {
                // The start's refusal belongs to the start's caller; this call gets the grain's own answer.
            }
        }

        return Lifetime(id);
    }

    /// <summary>
    /// The outcome once the lifetime's end record is durable, as the silo that hosts it reports it (waited for on every
    /// silo, registered before the lifetime can end); one that had already ended is read from its journal.
    /// </summary>
    private async Task<LifetimeOutcome> EndAsync(string id, Task? start)
    {
        var silos = EverySilo.ToList();
        var waits = silos.Select(s => s.Outcome(id)).ToList();
        try
        {
            if (start is not null)
            {
                await start;
            }
            else
            {
                // Not started here: it may have ended before anyone waited.
                var state = await Lifetime(id).InspectAsync();
                if (state.HasEnded)
                {
                    var records = await LifetimeReplay.ReadAsync(Journal, id, CancellationToken.None);
                    if (records[^1] is LifetimeEndedEntry)
                    {
                        return LifetimeReplay.OutcomeOf(records);
                    }
                }
            }

            return await await Task.WhenAny(waits);
        }
        finally
        {
            foreach (var silo in silos)
            {
                silo.DropOutcome(id);
            }
        }
    }

    private async Task<bool> EndedFailedAsync(string id, CancellationToken cancellationToken)
    {
        JournalEntry? last = null;
        await foreach (var record in Journal.ReadAsync(id, 1, cancellationToken))
        {
            last = record;
        }

        return last is LifetimeEndedEntry { Phase: ExecutionPhase.Failed };
    }

    private static PayloadData? Data(Payload? payload) =>
        payload is null ? null
        : payload.Blob is { } blob ? PayloadData.FromBlob(new BlobReferenceData(blob.Uri, blob.SizeBytes, blob.MediaType, blob.Sha256))
        : new PayloadData(payload.MediaType, payload.Bytes.ToArray());

    private static Payload? ToPayload(PayloadData? data) =>
        data is null ? null : data.MediaType == PayloadData.Json ? Payload.FromJsonUtf8(data.Bytes) : Payload.FromBytes(data.Bytes, data.MediaType);

    private static ExecutionPhase Phase(string wire) => Enum.Parse<ExecutionPhase>(wire, ignoreCase: true);

    private static LifetimeView View(LifetimeState s) => new(
        s.LifetimeId,
        s.TenantId,
        s.GraphName,
        s.GraphVersion,
        s.GraphHash,
        Phase(s.Phase),
        s.LastSequence,
        s.Executions,
        s.Iterations,
        ToPayload(s.Result),
        s.Reason,
        s.Awaiting.Select(a => new AwaitedExecution(a.ExecutionId, a.NodeName, a.NodeType, a.Attempt, a.Iteration, Phase(a.Phase), ToPayload(a.Prompt))).ToList(),
        s.TokensUsed,
        s.CostUsd);
}
