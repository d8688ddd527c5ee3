using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Actors;
using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;

namespace Agentic.Orleans;

/// <summary>
/// Hosts one lifetime's <see cref="LifetimeActor"/>, the runtime's one orchestration, as a grain. The actor receives
/// one message at a time on the activation's scheduler: grain calls deliver commands in their turn, and completions
/// from the journal writer and the workers are posted back onto that scheduler, so no call ever awaits a node or a
/// write while holding the grain (calls interleave; the actor's turns never overlap). Parked lifetimes deactivate;
/// the next call re-activates from the journal.
/// </summary>
[Reentrant]
[global::Orleans.Placement.ResourceOptimizedPlacement] // lifetimes spread over the silos by their load (their executions stay with them)
internal sealed partial class AgentLifetimeGrain : Grain, IAgentLifetimeGrain, IActorRef<object>
{
    // Long-running nodes are not calls: keep the activation while anything is in flight, whatever the idle collector thinks.
    private static readonly TimeSpan KeepAliveWhileBusy = TimeSpan.FromMinutes(30);

    private static readonly TimeSpan PolicyWait = TimeSpan.FromSeconds(30);
    private readonly LifetimeServices _services;
    private readonly ILogger<AgentLifetimeGrain> _logger;
    private readonly SiloMetrics _metrics;
    private LifetimeActor? _actor;
    private TaskScheduler? _scheduler;
    private volatile bool _deactivated;
    private long _keptAliveUntil;

    public AgentLifetimeGrain(IServiceProvider services)
    {
        _services = services.GetRequiredService<LifetimeServices>();
        _logger = services.GetRequiredService<ILogger<AgentLifetimeGrain>>();
        _metrics = services.GetRequiredService<SiloMetrics>();
    }

    public string Key => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _scheduler = TaskScheduler.Current;
        if (_services.Policies?.Loaded is { IsCompleted: false } loaded)
        {
            // A silo just started: its lifetimes must not run a step before it knows every policy in force (tenants'
            // own policies are read from the cluster). An activation that times out fails; its caller or recovery retries.
            await loaded.WaitAsync(PolicyWait, cancellationToken);
        }

        _actor = new LifetimeActor(this, _services);
        _metrics.LifetimeActivated();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivated = true;
        if (_actor is not null)
        {
            _metrics.LifetimeDeactivated();
        }

        if (_actor is { CanPassivate: false } && reason.ReasonCode != DeactivationReasonCode.ShuttingDown)
        {
            // Orleans is dropping a lifetime that still runs: a duplicate activation found during a membership change
            // (whose twin may already have been fenced off by this one's records), a directory failure, memory
            // pressure. Nothing else would call it again, so it calls itself: the registered activation, or a new one
            // loaded from the journal that runs what was dispatched but unrecorded again. A stopping silo leaves its
            // lifetimes to the recovery service of the survivors.
            LogWaking(_logger, Key, reason.ReasonCode);
            var (grains, key, logger) = (GrainFactory, Key, _logger);
            _ = Task.Run(() => LifetimeWake.CallAsync(grains, key, logger), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    /// <summary>From any thread (a durable record, a finished node, a retry timer): the message becomes a turn of this activation.</summary>
    public void Post(object message) =>
        Task.Factory.StartNew(static state => ((DeliveryState)state!).Deliver(), new DeliveryState(this, message), CancellationToken.None, TaskCreationOptions.DenyChildAttach, _scheduler!);

    /// <summary>A grain timer of this activation (a retry's backoff): it keeps the activation alive and fires as a turn.</summary>
    public IDisposable After(TimeSpan due, object message) =>
        this.RegisterGrainTimer(
            static (state, _) =>
            {
                state.Grain.Deliver(state.Message);
                return Task.CompletedTask;
            },
            new DeliveryState(this, message),
            new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true });

    public async Task<LifetimeState> StartAsync(StartLifetimeCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var graph = GraphJson.ReadValid(command.GraphJson, _services.Nodes, nameof(command));
        var cap = command.IterationCap ?? graph.IterationCap ?? AgentGraph.DefaultIterationCap;
        if (cap < 1)
        {
            throw new ArgumentException($"iteration cap must be at least 1, got {cap}", nameof(command));
        }

        await EnsureUnusedAsync();
        // Published (or found published with the same content) before anything is stored: name@version is one graph.
        await GrainFactory.GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of(command.TenantId, graph.Name)).PublishAsync(graph.CanonicalJson);
        // A large input goes to the blob store before its start record, like a large result: the record carries the reference.
        var input = await _services.Offload.OffloadAsync(ToPayload(command.Input) ?? Payload.EmptyObject, CancellationToken.None);
        // Answered once the start record is durable: the caller may hand the id on, and it survives a crash.
        return await Ask(reply => new StartLifetime(graph, command.TenantId, input, cap, Durable: reply));
    }

    public async Task<LifetimeState> StartPublishedAsync(StartPublishedLifetimeCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var published = await GrainFactory.GetGrain<IGraphRegistryGrain>(GraphRegistryKey.Of(command.TenantId, command.GraphName)).GetAsync(command.Version)
            ?? throw new KeyNotFoundException($"graph '{command.GraphName}' version {command.Version} is not published");
        return await StartAsync(new StartLifetimeCommand(published.GraphJson, command.TenantId, command.Input, command.IterationCap));
    }

    public async Task<LifetimeState> ForkAsync(string parentLifetimeId, long fromSequence)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(parentLifetimeId);
        await EnsureUnusedAsync();
        var records = await LifetimeReplay.ReadAsync(_services.Store, parentLifetimeId, CancellationToken.None);
        IReadOnlyList<JournalEntry> prefix;
        try
        {
            prefix = JournalFork.Rewrite(records, Key, fromSequence, _services.Time.GetUtcNow());
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException(ex.Message.Split(" (Parameter", 2)[0], nameof(fromSequence));
        }

        var start = (LifetimeStartedEntry)prefix[0];
        if (LifetimeSettings.Of(start) != _services.Settings)
        {
            throw new InvalidOperationException(new LifetimeSettingsException(parentLifetimeId, LifetimeSettings.Of(start), _services.Settings).Message);
        }

        return await Ask(reply => new StartLifetime(CanonicalGraph.FromJson(start.GraphJson), start.TenantId, start.Input, start.IterationCap, prefix, reply));
    }

    /// <summary>A fresh activation knows nothing of the store: a lifetime id is used once, whichever silo saw it first.</summary>
    private async Task EnsureUnusedAsync()
    {
        await foreach (var _ in _services.Store.ReadAsync(Key, 1, CancellationToken.None))
        {
            throw new InvalidOperationException($"lifetime {Key} already exists");
        }
    }

    public Task<LifetimeState> InspectAsync() => Ask(reply => new InspectLifetime(reply));

    public Task<LifetimeState> ActivateAsync() => Ask(reply => new ActivateLifetime(reply));

    public Task<LifetimeState> WhenSettledAsync() => Ask(reply => new AwaitSettled(reply));

    public Task<LifetimeState> PauseAsync(string actor, string? reason) => Control(LifetimeControl.Pause, actor, reason);

    public Task<LifetimeState> ResumeAsync(string actor, string? reason) => Control(LifetimeControl.Resume, actor, reason);

    public Task<LifetimeState> AbortAsync(string actor, string? reason) => Control(LifetimeControl.Abort, actor, reason);

    public async Task<LifetimeState> ProvideInputAsync(string executionId, PayloadData input, string actor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        var payload = ToPayload(input) ?? throw new ArgumentNullException(nameof(input));
        // Large input goes to the blob store first, like a large result, so its record carries only the reference.
        payload = await _services.Offload.OffloadAsync(payload, CancellationToken.None);
        return await Ask(reply => new ProvideInput(executionId, payload, actor, reply));
    }

    private Task<LifetimeState> Control(LifetimeControl action, string actor, string? reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actor);
        return Ask(reply => new ControlLifetime(action, actor, reason, reply));
    }

    private async Task<LifetimeState> Ask(Func<TaskCompletionSource<LifetimeView>, object> message)
    {
        var reply = new TaskCompletionSource<LifetimeView>(TaskCreationOptions.RunContinuationsAsynchronously);
        Deliver(message(reply));
        try
        {
            return LifetimeStates.Of(await reply.Task);
        }
        catch (LifetimeControlException ex)
        {
            // A refused transition (abort twice, input already given): nothing was recorded.
            throw new InvalidOperationException(ex.Message);
        }
        catch (LifetimeActivationException ex)
        {
            // Its journal reads but can never be rebuilt (a graph this build refuses): end it, failed with the reason.
            var marked = await _services.MarkFailedAsync(Key, ex);
            throw new InvalidOperationException(marked ? $"{ex.Message} (marked failed)" : ex.Message);
        }
        catch (Exception ex) when (ex is LifetimeSettingsException or Runtime.Journal.JournalAppendException)
        {
            throw new InvalidOperationException(ex.Message);
        }
    }

    /// <summary>One turn of the actor, then what the activation should do about its lifetime.</summary>
    private void Deliver(object message)
    {
        if (_deactivated || _actor is null)
        {
            // Only a late reply of the tenant's guardrails can arrive here: the lifetime settled before deactivating,
            // so nothing waits for it.
            return;
        }

        _actor.Receive(message);
        if (_actor.DeactivateWhenIdle)
        {
            DeactivateOnIdle();
            _keptAliveUntil = 0;
        }
        else if (!_actor.CanPassivate && Environment.TickCount64 >= _keptAliveUntil)
        {
            // Once per half period, not on every turn of the step loop.
            DelayDeactivation(KeepAliveWhileBusy);
            _keptAliveUntil = Environment.TickCount64 + ((long)KeepAliveWhileBusy.TotalMilliseconds / 2);
        }
    }

    private Payload? ToPayload(PayloadData? data)
    {
        if (data?.Blob is { } blob)
        {
            var store = _services.Offload.Store ?? throw new ArgumentException($"payload {blob.Uri} is a blob reference, but this silo has no blob store", nameof(data));
            return Payload.FromBlob(new Core.Blobs.BlobReference(blob.Uri, blob.SizeBytes, blob.MediaType, blob.Sha256), store);
        }

        return data is null ? null : data.MediaType == PayloadData.Json ? Payload.FromJsonUtf8(data.Bytes) : Payload.FromBytes(data.Bytes, data.MediaType);
    }

    private sealed record DeliveryState(AgentLifetimeGrain Grain, object Message)
    {
        public void Deliver() => Grain.Deliver(Message);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lifetime {LifetimeId}: its activation was deactivated while running ({Reason}); calling it again so that it continues")]
    private static partial void LogWaking(ILogger logger, string lifetimeId, DeactivationReasonCode reason);
}
