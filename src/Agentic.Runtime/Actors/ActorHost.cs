using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Agentic.Runtime.Actors;

/// <summary>
/// Hosts actors of one kind keyed by string: activation on first message, one message at a time per actor
/// (a lock-free mailbox scheduled on the thread pool), idle passivation, and a bound on live activations
/// (messages for new actors wait when the bound is reached and nothing idle can be passivated).
/// </summary>
public sealed partial class ActorHost<TActor, TMessage> : IDisposable
    where TActor : class, IActor<TMessage>
{
    private readonly Func<IActorRef<TMessage>, TActor> _activate;
    private readonly ActorHostOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Activation> _activations = new(StringComparer.Ordinal);
    private readonly Queue<(string Key, TMessage Message)> _parked = new();
    private readonly Lock _gate = new();
    private readonly ITimer _idleTimer;
    // Every add and remove happens under _gate: counted here, because ConcurrentDictionary.Count takes all its locks.
    private int _live;
    private long _activationsTotal;
    private long _passivationsTotal;

    public ActorHost(Func<IActorRef<TMessage>, TActor> activate, ActorHostOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxActivations, 1);
        _activate = activate;
        _options = options;
        _time = time;
        _logger = logger;
        var period = TimeSpan.FromTicks(Math.Clamp(options.IdleTimeout.Ticks / 2, TimeSpan.FromMilliseconds(50).Ticks, TimeSpan.FromSeconds(10).Ticks));
        _idleTimer = time.CreateTimer(_ => PassivateIdle(_options.IdleTimeout), null, period, period);
    }

    public int ActivationCount => Volatile.Read(ref _live);

    public long ActivationsTotal => Interlocked.Read(ref _activationsTotal);

    public long PassivationsTotal => Interlocked.Read(ref _passivationsTotal);

    public int ParkedCount
    {
        get
        {
            lock (_gate)
            {
                return _parked.Count;
            }
        }
    }

    public IActorRef<TMessage> Ref(string key) => new HostRef(this, key);

    public void Post(string key, TMessage message)
    {
        if (_activations.TryGetValue(key, out var activation) && activation.TryEnqueue(message))
        {
            return;
        }

        lock (_gate)
        {
            if (_activations.TryGetValue(key, out activation) && activation.TryEnqueue(message))
            {
                return;
            }

            if (_live >= _options.MaxActivations)
            {
                PassivateIdleLocked(TimeSpan.Zero, 1 + (_options.MaxActivations / 64));
                if (_live >= _options.MaxActivations)
                {
                    _parked.Enqueue((key, message));
                    return;
                }
            }

            activation = new Activation(this, key);
            activation.Actor = _activate(activation);
            _activations[key] = activation;
            _live++;
            Interlocked.Increment(ref _activationsTotal);
            activation.TryEnqueue(message);
        }
    }

    public bool TryGetActor(string key, out TActor? actor)
    {
        actor = _activations.TryGetValue(key, out var a) ? a.Actor : null;
        return actor is not null;
    }

    /// <summary>Passivates actors idle for at least <paramref name="idleFor"/> that allow it; returns how many.</summary>
    public int PassivateIdle(TimeSpan idleFor)
    {
        lock (_gate)
        {
            return PassivateIdleLocked(idleFor, int.MaxValue);
        }
    }

    public void Dispose() => _idleTimer.Dispose();

    private int PassivateIdleLocked(TimeSpan idleFor, int atMost)
    {
        var now = _time.GetTimestamp();
        var idle = new List<(long LastActive, Activation Activation)>();
        foreach (var a in _activations.Values)
        {
            var lastActive = a.LastActiveAsOf(now);
            if (a.IsIdle && a.Actor!.CanPassivate && _time.GetElapsedTime(lastActive, now) >= idleFor)
            {
                idle.Add((lastActive, a));
            }
        }

        var candidates = idle.OrderBy(c => c.LastActive).Take(atMost).Select(c => c.Activation).ToList();
        var count = 0;
        foreach (var activation in candidates)
        {
            if (!activation.TryPassivate())
            {
                continue;
            }

            RemovePassivatedLocked(activation);
            count++;
        }

        ActivateParkedLocked();
        return count;
    }

    // Freed slots go to messages that were waiting for one, oldest first.
    private void ActivateParkedLocked()
    {
        while (_parked.Count > 0 && _live < _options.MaxActivations)
        {
            var (key, message) = _parked.Dequeue();
            var activation = new Activation(this, key);
            activation.Actor = _activate(activation);
            if (_activations.TryAdd(key, activation))
            {
                _live++;
                Interlocked.Increment(ref _activationsTotal);
            }
            else
            {
                activation = _activations[key];
            }

            if (!activation.TryEnqueue(message))
            {
                _parked.Enqueue((key, message));
                break;
            }
        }
    }

    /// <summary>An actor that asked to go away once idle (finished lifetimes): passivate it now, not at the idle timeout.</summary>
    private void Deactivate(Activation activation)
    {
        lock (_gate)
        {
            if (activation.IsIdle && activation.TryPassivate())
            {
                RemovePassivatedLocked(activation);
                ActivateParkedLocked();
            }
        }
    }

    // Under _gate: forgets a passivated activation (keeping the live count) and re-posts what raced into its mailbox.
    private void RemovePassivatedLocked(Activation activation)
    {
        if (_activations.TryRemove(new KeyValuePair<string, Activation>(activation.Key, activation)))
        {
            _live--;
        }

        Interlocked.Increment(ref _passivationsTotal);
        Rescue(activation);
    }

    // A message that raced with passivation was enqueued into a dead mailbox: post it again.
    private void Rescue(Activation dead)
    {
        while (dead.TryTakeStranded(out var message))
        {
            ThreadPool.UnsafeQueueUserWorkItem(static s => s.Host.Post(s.Key, s.Message), (Host: this, dead.Key, Message: message), preferLocal: false);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Actor {Key} failed to handle a message")]
    private static partial void LogReceiveFailed(ILogger logger, Exception ex, string key);

    private sealed class HostRef(ActorHost<TActor, TMessage> host, string key) : IActorRef<TMessage>
    {
        public string Key => key;

        public void Post(TMessage message) => host.Post(key, message);
    }

    private sealed class Activation(ActorHost<TActor, TMessage> host, string key) : IActorRef<TMessage>, IThreadPoolWorkItem
    {
        private const int Idle = 0;
        private const int Scheduled = 1;
        private const int Passivated = 2;
        private readonly ConcurrentQueue<TMessage> _mailbox = new();
        private int _state;

        public string Key => key;

        public TActor? Actor { get; set; }

        private long _lastActive = host._time.GetTimestamp();
        private int _turns;
        private int _turnsSeen;

        public bool IsIdle => Volatile.Read(ref _state) == Idle && _mailbox.IsEmpty;

        public void Post(TMessage message)
        {
            if (!TryEnqueue(message))
            {
                host.Post(key, message);
            }
        }

        public void PostAndRunIfIdle(TMessage message)
        {
            if (!TryEnqueue(message, runInline: true))
            {
                host.Post(key, message);
            }
        }

        public bool TryEnqueue(TMessage message, bool runInline = false)
        {
            if (Volatile.Read(ref _state) == Passivated)
            {
                return false;
            }

            _mailbox.Enqueue(message);
            if (Interlocked.CompareExchange(ref _state, Scheduled, Idle) == Idle)
            {
                if (runInline)
                {
                    Execute();
                    return true;
                }

                // Local queue: the sender's pool thread is about to go idle, and work stealing still spreads load.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
            }
            else if (Volatile.Read(ref _state) == Passivated)
            {
                host.Rescue(this);
            }

            return true;
        }

        /// <summary>
        /// When the actor was last seen active, as of the scan at <paramref name="now"/>: a turn taken since the previous
        /// scan counts as activity now. Only the host's scans (under its lock) call this.
        /// </summary>
        public long LastActiveAsOf(long now)
        {
            var turns = Volatile.Read(ref _turns);
            if (turns != _turnsSeen)
            {
                _turnsSeen = turns;
                _lastActive = now;
            }

            return _lastActive;
        }

        /// <summary>Succeeds only when idle; messages that race in afterwards are rescued by the host.</summary>
        public bool TryPassivate() => Interlocked.CompareExchange(ref _state, Passivated, Idle) == Idle;

        public bool TryTakeStranded(out TMessage message) => _mailbox.TryDequeue(out message!);

        public void Execute()
        {
            var budget = host._options.MessagesPerTurn;
            while (budget-- > 0 && _mailbox.TryDequeue(out var message))
            {
                try
                {
                    Actor!.Receive(message);
                }
                catch (Exception ex)
                {
                    LogReceiveFailed(host._logger, ex, key);
                }
            }

            _turns++;
            // A full fence, not a release write: the mailbox read below must not move before the store of Idle, or a
            // sender whose CAS still saw Scheduled and this turn's look at an (apparently) empty mailbox both give up,
            // and the message is stranded (x86 reorders a store with a later load; seen as a hung lifetime).
            Interlocked.Exchange(ref _state, Idle);
            if (!_mailbox.IsEmpty && Interlocked.CompareExchange(ref _state, Scheduled, Idle) == Idle)
            {
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
            else if (Actor!.DeactivateWhenIdle)
            {
                host.Deactivate(this);
            }
        }
    }
}
