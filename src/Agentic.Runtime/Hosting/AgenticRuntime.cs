using System.Runtime.CompilerServices;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;
using Agentic.Runtime.Actors;
using Agentic.Runtime.Blobs;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Nodes;
using Agentic.Runtime.Workers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agentic.Runtime.Hosting;

/// <summary>
/// The embedded runtime: starts lifetimes of validated graphs on lifetime actors, runs their nodes on workers and
/// journals every step through the group-committing writer. One per process (or per test).
/// </summary>
public sealed class AgenticRuntime : IAsyncDisposable
{
    private static readonly ConditionalWeakTable<AgentGraph, IReadOnlyList<GraphDiagnostic>> Validated = new();
    private readonly AgenticRuntimeOptions _options;
    private readonly TimeProvider _time;
    private readonly LifetimeServices _services;
    private readonly ActorHost<LifetimeActor, object> _host;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Name, string Version), string> _pins = new();
    private volatile AgentGraph? _lastPinned;
    private int _disposed;

    public AgenticRuntime(NodeRegistry nodes, IJournalStore store, AgenticRuntimeOptions options, TimeProvider time, ILoggerFactory? loggerFactory = null, IEnumerable<IJournalObserver>? observers = null, IBlobStore? blobs = null, IPolicySource? policies = null, Core.Models.ModelPriceTable? prices = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        Nodes = nodes;
        _options = options;
        _time = time;
        _services = LifetimeServices.Create(nodes, store, options, time, loggerFactory, observers, blobs, policies, prices);
        Writer = _services.Journal;
        _host = new ActorHost<LifetimeActor, object>(self => new LifetimeActor(self, _services), options.Actors, time, loggerFactory.CreateLogger("Agentic.Runtime.Actors"));
    }

    public NodeRegistry Nodes { get; }

    /// <summary>The policies and prices this runtime runs lifetimes under; it re-activates only lifetimes started under the same.</summary>
    public LifetimeSettings Settings => _services.Settings;

    public IJournalStore Journal => Writer.Store;

    public JournalWriter Writer { get; }

    /// <summary>Node executions submitted to workers and not yet finished.</summary>
    public int RunningExecutions => _services.Workers.InFlight;

    /// <summary>What re-activations from the journal cost: records applied, snapshots used, ignored and taken.</summary>
    public ActivationCounters Activations => _services.Counters;

    /// <summary>The tenants' guardrail budgets (null without policies).</summary>
    internal TenantGuardrails? Tenants => _services.Tenants;

    /// <summary>Lifetime actors currently activated.</summary>
    public int LiveActivations => _host.ActivationCount;

    /// <summary>Validates <paramref name="graph"/> against the registered node types (cached per graph instance).</summary>
    public IReadOnlyList<GraphDiagnostic> Validate(AgentGraph graph) =>
        Validated.GetValue(graph, g => GraphValidator.EnsureValid(g, Nodes));

    /// <summary>Starts a lifetime. Throws <see cref="GraphValidationException"/> for an invalid graph before anything is stored.</summary>
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

        // A pin never changes once made: the graph instance that was last pinned needs no second look.
        if (!ReferenceEquals(graph, _lastPinned))
        {
            Pin(graph.Name, graph.Version.ToString(), graph.ContentHash);
            _lastPinned = graph;
        }

        var id = options.LifetimeId ?? NewLifetimeId();
        var completion = _services.Outcome(id);
        _host.Post(id, new StartLifetime(graph, options.TenantId ?? _options.DefaultTenant, options.Input ?? Payload.EmptyObject, cap));
        return new LifetimeHandle(id, completion);
    }

    /// <summary>
    /// Refuses <paramref name="graph"/> if lifetimes in the store are pinned to a different graph under the same name
    /// and version (the file changed without a version bump), so a lifetime's graph can always be known from its version.
    /// </summary>
    public async ValueTask EnsureVersionPinnedAsync(AgentGraph graph, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var version = graph.Version.ToString();
        if (await Journal.FindPinnedGraphHashAsync(graph.Name, version, cancellationToken).ConfigureAwait(false) is { } pinned)
        {
            Pin(graph.Name, version, pinned);
        }

        Pin(graph.Name, version, graph.ContentHash);
    }

    /// <summary>
    /// Re-activates every lifetime the journal holds without an end record (after a crash or restart). Completed
    /// executions are never run again; dispatched-but-unrecorded ones run again as the next attempt with the same
    /// idempotency key. Paused lifetimes stay paused, waiting ones keep waiting (and passivate). Returns the handles of
    /// those re-activated; see <see cref="RecoverAllAsync"/> for the ones that were not.
    /// </summary>
    public async Task<IReadOnlyList<LifetimeHandle>> RecoverAsync(CancellationToken cancellationToken = default) =>
        (await RecoverAllAsync(cancellationToken).ConfigureAwait(false)).Recovered;

    /// <summary>
    /// <see cref="RecoverAsync"/>, one lifetime at a time in isolation: a lifetime that cannot be re-activated never
    /// keeps the others from recovering. One whose journal reads but cannot be rebuilt (its graph is refused by this
    /// build, its records contradict each other) is marked failed with the reason; one started under other policies
    /// or prices, or whose journal cannot be read now, is left as it is. Both are reported.
    /// </summary>
    public Task<RecoveryReport> RecoverAllAsync(CancellationToken cancellationToken = default) => RecoverAllAsync(null, cancellationToken);

    /// <summary><see cref="RecoverAllAsync(CancellationToken)"/> of the unfinished lifetimes among <paramref name="lifetimeIds"/> (null: all).</summary>
    public async Task<RecoveryReport> RecoverAllAsync(IReadOnlyCollection<string>? lifetimeIds, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        IReadOnlyCollection<string> ids = lifetimeIds ?? await Journal.ListUnfinishedAsync(cancellationToken).ConfigureAwait(false);
        var activations = new List<(LifetimeHandle Handle, Task<LifetimeView> View)>(ids.Count);
        foreach (var id in ids)
        {
            // The outcome is registered before the activation: a lifetime may end before its reply is read.
            var handle = new LifetimeHandle(id, _services.Outcome(id));
            var reply = NewReply();
            _host.Post(id, new ActivateLifetime(reply));
            activations.Add((handle, reply.Task));
        }

        var recovered = new List<LifetimeHandle>(ids.Count);
        var skipped = new List<RecoveryFailure>();
        foreach (var (handle, view) in activations)
        {
            var id = handle.LifetimeId;
            try
            {
                await view.WaitAsync(cancellationToken).ConfigureAwait(false);
                recovered.Add(handle);
            }
            catch (LifetimeActivationException ex)
            {
                _services.DropOutcome(id);
                skipped.Add(new RecoveryFailure(id, ex.Message, await _services.MarkFailedAsync(id, ex).ConfigureAwait(false)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _services.DropOutcome(id);
                skipped.Add(new RecoveryFailure(id, ex.Message, MarkedFailed: false));
            }
        }

        return new RecoveryReport(recovered, skipped);
    }

    public Task<LifetimeView> PauseAsync(string lifetimeId, string actor, string? reason = null) => Control(lifetimeId, LifetimeControl.Pause, actor, reason);

    public Task<LifetimeView> ResumeAsync(string lifetimeId, string actor, string? reason = null) => Control(lifetimeId, LifetimeControl.Resume, actor, reason);

    public Task<LifetimeView> AbortAsync(string lifetimeId, string actor, string? reason = null) => Control(lifetimeId, LifetimeControl.Abort, actor, reason);

    /// <summary>Completes a waiting execution with <paramref name="input"/>, exactly once; returns once the input is durable.</summary>
    public async Task<LifetimeView> ProvideInputAsync(string lifetimeId, string executionId, Payload input, string actor)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        // Large input goes to the blob store first, like a large result, so its record carries only the reference.
        input = await _services.Offload.OffloadAsync(input, CancellationToken.None).ConfigureAwait(false);
        return await Ask(lifetimeId, reply => new ProvideInput(executionId, input, actor, reply)).ConfigureAwait(false);
    }

    /// <summary>The lifetime's phase, counters and awaited executions (loading it from the journal if it is not live).</summary>
    public Task<LifetimeView> InspectAsync(string lifetimeId) => Ask(lifetimeId, reply => new InspectLifetime(reply));

    /// <summary>Completes when nothing of the lifetime is running: it ended, is paused, or waits for input.</summary>
    public Task<LifetimeView> WhenSettledAsync(string lifetimeId) => Ask(lifetimeId, reply => new AwaitSettled(reply));

    /// <summary>The lifetime's outcome once it ends (immediately if it already has).</summary>
    public async Task<LifetimeOutcome> WaitForOutcomeAsync(string lifetimeId, CancellationToken cancellationToken = default)
    {
        var outcome = _services.Outcome(lifetimeId);
        var view = await InspectAsync(lifetimeId).ConfigureAwait(false);
        if (view.Phase.IsTerminal() && !outcome.IsCompleted)
        {
            // Ended before this runtime saw it (no actor will report it): the outcome is in the end record. If the end
            // is decided but not yet durable, the actor completes the outcome when it is.
            var records = await LifetimeReplay.ReadAsync(Journal, lifetimeId, cancellationToken).ConfigureAwait(false);
            if (records[^1] is LifetimeEndedEntry)
            {
                _services.CompleteOutcome(LifetimeReplay.OutcomeOf(records));
            }
        }

        return await outcome.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Rebuilds the lifetime from its journal without running any node, under its pinned graph, and reports any divergence.</summary>
    public async Task<ReplayReport> ReplayAsync(string lifetimeId, CancellationToken cancellationToken = default)
    {
        var records = await LifetimeReplay.ReadAsync(Journal, lifetimeId, cancellationToken).ConfigureAwait(false);
        return JournalReplay.Replay(records);
    }

    /// <summary>
    /// Starts a new lifetime sharing <paramref name="lifetimeId"/>'s journal up to <paramref name="fromSequence"/>
    /// (recorded with the parent id and fork point) and continuing live from there. The parent is untouched.
    /// </summary>
    public async Task<LifetimeHandle> ForkAsync(string lifetimeId, long fromSequence, string? forkId = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var records = await LifetimeReplay.ReadAsync(Journal, lifetimeId, cancellationToken).ConfigureAwait(false);
        var id = forkId ?? NewLifetimeId();
        var prefix = JournalFork.Rewrite(records, id, fromSequence, _time.GetUtcNow());
        var start = (LifetimeStartedEntry)prefix[0];
        if (LifetimeSettings.Of(start) != Settings)
        {
            throw new LifetimeSettingsException(lifetimeId, LifetimeSettings.Of(start), Settings);
        }

        var graph = CanonicalGraph.FromJson(start.GraphJson);
        var completion = _services.Outcome(id);
        _host.Post(id, new StartLifetime(graph, start.TenantId, start.Input, start.IterationCap, prefix));
        return new LifetimeHandle(id, completion);
    }

    public async Task<LifetimeOutcome> RunAsync(AgentGraph graph, StartLifetimeOptions? options = null, CancellationToken cancellationToken = default) =>
        await Start(graph, options).Completion.WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Receives every durable record until the returned handle is disposed.</summary>
    public IDisposable Subscribe(IJournalObserver observer)
    {
        _services.AddObserver(observer);
        return new Subscription(_services, observer);
    }

    /// <summary>Time-ordered, globally unique lifetime ids: a UUIDv7 in 26 characters of Crockford base32 (<see cref="Core.Execution.LifetimeIds"/>).</summary>
    public static string NewLifetimeId() => Core.Execution.LifetimeIds.Format(Guid.CreateVersion7());

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _host.Dispose();
        await _services.DisposeAsync().ConfigureAwait(false);
    }

    private Task<LifetimeView> Control(string lifetimeId, LifetimeControl action, string actor, string? reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        return Ask(lifetimeId, reply => new ControlLifetime(action, actor, reason, reply));
    }

    private Task<LifetimeView> Ask(string lifetimeId, Func<TaskCompletionSource<LifetimeView>, object> message)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(lifetimeId);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        var reply = NewReply();
        _host.Post(lifetimeId, message(reply));
        return reply.Task;
    }

    private static TaskCompletionSource<LifetimeView> NewReply() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Pin(string name, string version, string hash)
    {
        var pinned = _pins.GetOrAdd((name, version), hash);
        if (pinned != hash)
        {
            throw new GraphVersionConflictException($"graph '{name}' version {version} has changed: its content hash is {hash}, but lifetimes are pinned to {pinned} under the same version. Bump the graph's version to run the changed graph.");
        }
    }

    private sealed class Subscription(LifetimeServices services, IJournalObserver observer) : IDisposable
    {
        public void Dispose() => services.RemoveObserver(observer);
    }
}
