using System.Runtime.CompilerServices;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;
using Agentic.Runtime.Actors;
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
    private int _disposed;

    public AgenticRuntime(NodeRegistry nodes, IJournalStore store, AgenticRuntimeOptions options, TimeProvider time, ILoggerFactory? loggerFactory = null, IEnumerable<IJournalObserver>? observers = null)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        loggerFactory ??= NullLoggerFactory.Instance;
        Nodes = nodes;
        _options = options;
        _time = time;
        Writer = new JournalWriter(store, options.JournalMaxBatch, loggerFactory.CreateLogger<JournalWriter>());
        _services = new LifetimeServices(Writer, new WorkerPool(options.Workers), nodes, time);
        foreach (var observer in observers ?? [])
        {
            _services.AddObserver(observer);
        }

        _host = new ActorHost<LifetimeActor, object>(self => new LifetimeActor(self, _services), options.Actors, time, loggerFactory.CreateLogger("Agentic.Runtime.Actors"));
    }

    public NodeRegistry Nodes { get; }

    public IJournalStore Journal => Writer.Store;

    public JournalWriter Writer { get; }

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

        var id = options.LifetimeId ?? NewLifetimeId();
        var completion = new TaskCompletionSource<LifetimeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        _host.Post(id, new StartLifetime(graph, options.TenantId ?? _options.DefaultTenant, options.Input ?? Payload.EmptyObject, cap, completion));
        return new LifetimeHandle(id, completion.Task);
    }

    public async Task<LifetimeOutcome> RunAsync(AgentGraph graph, StartLifetimeOptions? options = null, CancellationToken cancellationToken = default) =>
        await Start(graph, options).Completion.WaitAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Receives every durable record until the returned handle is disposed.</summary>
    public IDisposable Subscribe(IJournalObserver observer)
    {
        _services.AddObserver(observer);
        return new Subscription(_services, observer);
    }

    /// <summary>Time-ordered, globally unique lifetime ids (UUIDv7 without dashes).</summary>
    public static string NewLifetimeId() => Guid.CreateVersion7().ToString("N");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _host.Dispose();
        await Writer.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class Subscription(LifetimeServices services, IJournalObserver observer) : IDisposable
    {
        public void Dispose() => services.RemoveObserver(observer);
    }
}
