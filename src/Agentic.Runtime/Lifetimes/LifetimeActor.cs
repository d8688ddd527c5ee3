using Agentic.Core.Execution;
using Agentic.Runtime.Actors;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Workers;

namespace Agentic.Runtime.Lifetimes;

/// <summary>
/// Owns one lifetime. Outcomes from workers become records; records go to the journal writer; only when a record
/// is durable is it applied to the <see cref="LifetimeStateMachine"/>, whose decisions are then dispatched. So no
/// step ever runs before the record it depends on is stored.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "The lifetime's CancellationTokenSource is never disposed on purpose: nodes still running hold its token after the lifetime ends, and it has no timer to release.")]
internal sealed class LifetimeActor(IActorRef<object> self, LifetimeServices services) : IActor<object>, IJournalCallback
{
    private readonly List<ExecutionRequest> _dispatch = [];
    private readonly HashSet<RetryDue> _retries = [];
    private LifetimeStateMachine? _machine;
    private TaskCompletionSource<LifetimeOutcome>? _completion;
    private CancellationTokenSource? _cancellation;
    private DateTimeOffset _startedAt;
    private bool _done;

    public bool CanPassivate => _done;

    public bool DeactivateWhenIdle => _done;

    internal LifetimeStateMachine? Machine => _machine;

    public void Receive(object message)
    {
        switch (message)
        {
            case NodeRun run:
                Finished(run);
                break;
            case JournalEntry entry:
                Durable(entry);
                break;
            case StartLifetime start:
                Start(start);
                break;
            case RetryDue due:
                _retries.Remove(due);
                due.Timer?.Dispose();
                if (!_done && _machine is { IsEnding: false })
                {
                    Submit(due.Request);
                }

                break;
            case JournalFailure failure:
                JournalFailed(failure);
                break;
        }
    }

    public void OnDurable(JournalEntry entry) => self.Post(entry);

    public void OnFailed(JournalEntry entry, Exception error) => self.Post(new JournalFailure(entry, error));

    private void Start(StartLifetime start)
    {
        if (_machine is not null)
        {
            start.Completion.TrySetException(new InvalidOperationException($"lifetime {self.Key} already exists"));
            return;
        }

        _completion = start.Completion;
        _cancellation = new CancellationTokenSource();
        _machine = LifetimeStateMachine.Create(start.Graph, self.Key, start.TenantId, start.Input, start.IterationCap);
        _startedAt = services.Time.GetUtcNow();
        services.Journal.Append(_machine.CreateStartEntry(_startedAt), this);
    }

    private void Finished(NodeRun run)
    {
        if (_machine is null || _done)
        {
            return;
        }

        var now = services.Time.GetUtcNow();
        var entry = run.Error is null
            ? _machine.RecordCompleted(run.Request.ExecutionId, run.Result!, run.NextTaskNames, run.Telemetry, run.StartedAt, now)
            : _machine.RecordFailed(run.Request.ExecutionId, run.Error, run.Telemetry, run.StartedAt, now);
        if (entry is not null)
        {
            services.Journal.Append(entry, this);
        }
    }

    private void Durable(JournalEntry entry)
    {
        if (_machine is null || _done)
        {
            return;
        }

        foreach (var observer in services.Observers)
        {
            try
            {
                observer.OnRecorded(entry);
            }
            catch (Exception)
            {
                // An observer is a spectator: its failure must never change the lifetime.
            }
        }

        LifetimeEnd? end;
        try
        {
            end = _machine.Apply(entry, _dispatch);
        }
        catch (JournalDivergenceException ex)
        {
            Finish(ExecutionPhase.Failed, null, ex.Message);
            return;
        }

        foreach (var request in _dispatch)
        {
            Dispatch(request);
        }

        _dispatch.Clear();
        if (end is not null)
        {
            _cancellation!.Cancel();
            foreach (var due in _retries)
            {
                due.Timer?.Dispose();
            }

            _retries.Clear();
            foreach (var record in _machine.RecordTermination(services.Time.GetUtcNow()))
            {
                services.Journal.Append(record, this);
            }
        }

        if (entry is LifetimeEndedEntry ended)
        {
            Finish(ended.Phase, ended.Result, ended.Reason);
        }
    }

    private void Dispatch(ExecutionRequest request)
    {
        var delay = request.Attempt > 1 ? request.Node.Retry.DelayBefore(request.Attempt, Random.Shared.NextDouble()) : TimeSpan.Zero;
        if (delay <= TimeSpan.Zero)
        {
            Submit(request);
            return;
        }

        var due = new RetryDue(request);
        _retries.Add(due);
        due.Timer = services.Time.CreateTimer(static s => ((RetryDueState)s!).Post(), new RetryDueState(self, due), delay, Timeout.InfiniteTimeSpan);
    }

    private void Submit(ExecutionRequest request)
    {
        var machine = _machine!;
        var allowed = request.Node.Kind == Core.Graphs.NodeKind.Plan ? machine.Executable.AllowedTargets(request.Node.Name) : [];
        services.Workers.Submit(new NodeRun(request, allowed, services.Nodes, services.Time, self, machine.TenantId, machine.LifetimeId, machine.Input, _cancellation!.Token));
    }

    private void JournalFailed(JournalFailure failure)
    {
        if (_done)
        {
            return;
        }

        _cancellation?.Cancel();
        Finish(ExecutionPhase.Failed, null, $"journal write failed at record {failure.Entry.Sequence}: {failure.Error.Message}");
    }

    private void Finish(ExecutionPhase phase, Payload? result, string? reason)
    {
        _done = true;
        var machine = _machine!;
        _completion?.TrySetResult(new LifetimeOutcome(
            machine.LifetimeId,
            machine.TenantId,
            machine.Graph.Name,
            machine.Graph.Version.ToString(),
            phase,
            result,
            reason,
            machine.ExecutionCount,
            machine.Iterations,
            _startedAt,
            services.Time.GetUtcNow()));
    }

    private sealed record RetryDueState(IActorRef<object> Self, RetryDue Due)
    {
        public void Post() => Self.Post(Due);
    }
}
