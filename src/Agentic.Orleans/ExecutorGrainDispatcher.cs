using System.Collections.Concurrent;
using Agentic.Runtime.Workers;

namespace Agentic.Orleans;

/// <summary>
/// Sends each admitted execution to the silo's <see cref="IExecutorGrain"/>. The execution (its handler's inputs, its
/// lifetime's cancellation, the address its outcome goes to) stays in this table and the call carries its ticket:
/// stateless workers are always activated on the calling silo, so the ticket is always found, and nothing is copied.
/// A call that fails before the executor took the ticket fails the execution, which its lifetime then retries like
/// any failed attempt.
/// </summary>
internal sealed class ExecutorGrainDispatcher(IGrainFactory grains) : IExecutionDispatcher
{
    private readonly ConcurrentDictionary<long, NodeRun> _held = new();
    private IExecutorGrain? _executor;
    private long _lastTicket;

    /// <summary>Executions dispatched and not yet taken by an executor.</summary>
    public int Held => _held.Count;

    public void Dispatch(NodeRun run)
    {
        var ticket = Interlocked.Increment(ref _lastTicket);
        _held[ticket] = run;
        var call = (_executor ??= grains.GetGrain<IExecutorGrain>(0)).ExecuteAsync(ticket);
        if (!call.IsCompletedSuccessfully)
        {
            call.ContinueWith(static (t, state) => ((Failed)state!).Report(t), new Failed(this, ticket), CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    public NodeRun? Take(long ticket) => _held.TryRemove(ticket, out var run) ? run : null;

    private sealed class Failed(ExecutorGrainDispatcher dispatcher, long ticket)
    {
        public void Report(Task call)
        {
            if (dispatcher.Take(ticket) is { } run)
            {
                var error = call.Exception!.GetBaseException();
                run.Refuse($"the executor could not be reached: {error.GetType().Name}: {error.Message}");
            }
        }
    }
}
