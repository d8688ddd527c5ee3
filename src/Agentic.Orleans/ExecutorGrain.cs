using Orleans.Concurrency;

namespace Agentic.Orleans;

/// <summary>
/// The stateless executor every Task and Plan execution passes through. Its call admits the execution and starts its
/// body on the .NET thread pool, then returns: node bodies may block, compute or wait for minutes, and none of that
/// may hold an activation's scheduler (other grains' turns queue behind it) or a grain call (calls time out after
/// 30 s). The body's outcome goes back to its lifetime grain as a message. Reentrant, so that a burst of dispatches
/// never waits behind one another on the few activations Orleans keeps per core.
/// </summary>
[StatelessWorker, Reentrant]
internal sealed class ExecutorGrain(ExecutorGrainDispatcher dispatcher) : Grain, IExecutorGrain
{
    public Task ExecuteAsync(long ticket)
    {
        var run = dispatcher.Take(ticket)
            ?? throw new InvalidOperationException($"execution ticket {ticket} is not held on silo {RuntimeIdentity}: an executor runs only its own silo's executions");
        ThreadPool.UnsafeQueueUserWorkItem(run, preferLocal: true);
        return Task.CompletedTask;
    }
}
