using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Nodes;

namespace Agentic.Orleans;

/// <summary>
/// <c>queue</c>: the execution is done by a worker outside the cluster, in any language. It is offered on the tenant's
/// work queue <c>config.queue</c> (leases of <c>config.lease_seconds</c>, 30 by default); the task waits for the
/// worker's outcome: its result, or its error (the task fails; the node's retry policy applies). A re-run after a
/// recovery offers the same execution id again and gets the outcome if a worker already reported one.
/// </summary>
internal sealed class QueueTask(IGrainFactory grains) : ITaskHandler, INodeConfigValidator
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public async ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var queue = Queue(context.Config);
        var grain = grains.GetGrain<IWorkQueueGrain>(WorkQueueKey.Of(context.TenantId, queue));
        var item = new WorkItem(context.ExecutionId, context.LifetimeId, context.NodeName, context.Attempt, context.IdempotencyKey, context.Input.ToJsonString(), context.Config.GetRawText());
        var ct = context.CancellationToken;
        await OfferAsync(grain, item, ct).ConfigureAwait(false);
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                WorkOutcome? outcome;
                try
                {
                    outcome = await grain.AwaitOutcomeAsync(item.ExecutionId, Wait).WaitAsync(ct).ConfigureAwait(false);
                }
                catch (KeyNotFoundException)
                {
                    await OfferAsync(grain, item, ct).ConfigureAwait(false);
                    continue;
                }
                catch (Exception ex) when (ex is not OperationCanceledException && Transient(ex))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false);
                    continue;
                }

                if (outcome is null)
                {
                    continue;
                }


                return outcome.Error is { } error
                    ? throw new InvalidOperationException($"worker on queue '{queue}' failed: {error}")
                    : Payload.FromJson(outcome.ResultJson ?? "null");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Nobody will read this execution's outcome: take it off the queue (best effort; a late report is refused).
            _ = grain.WithdrawAsync(item.ExecutionId);
            throw;
        }
    }

    public IEnumerable<string> Validate(GraphNode node, AgentGraph graph) => Runtime.Nodes.BuiltIn.ConfigReader.Problems(() =>
    {
        Queue(node.Config);
        Runtime.Nodes.BuiltIn.ConfigReader.Int(node.Config, "lease_seconds", 30, min: 1);
    });

    private static string Queue(System.Text.Json.JsonElement config) =>
        Runtime.Nodes.BuiltIn.ConfigReader.Str(config, "queue") is { Length: > 0 } queue && !queue.Contains('/', StringComparison.Ordinal)
            ? queue
            : throw new InvalidOperationException("config.queue must name the work queue (a text without '/')");

    private static async Task OfferAsync(IWorkQueueGrain grain, WorkItem item, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grain.OfferAsync(item).WaitAsync(ct).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt < 10 && ex is not OperationCanceledException && Transient(ex))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), ct).ConfigureAwait(false);
            }
        }
    }

    // The queue grain's silo died or is leaving: the call is made again and reaches its next activation.
    private static bool Transient(Exception ex) => ex is TimeoutException or OrleansException;
}
