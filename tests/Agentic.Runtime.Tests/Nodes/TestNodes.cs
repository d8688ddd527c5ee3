using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Agentic.Core.Execution;
using Agentic.Runtime.Nodes;

namespace Agentic.Runtime.Tests.Nodes;

/// <summary>Waits config.ms (honouring cancellation) and returns its input plus {"node": name}; tracks concurrency and cancellations.</summary>
public sealed class TagTask : ITaskHandler
{
    private int _running;
    private int _runs;

    public int MaxConcurrent { get; private set; }

    /// <summary>How many times the body ran.</summary>
    public int Runs => _runs;

    public ConcurrentBag<string> Cancelled { get; } = [];

    public async ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        Interlocked.Increment(ref _runs);
        var now = Interlocked.Increment(ref _running);
        lock (this)
        {
            MaxConcurrent = Math.Max(MaxConcurrent, now);
        }

        try
        {
            var ms = context.Config.TryGetProperty("ms", out var v) ? v.GetInt32() : 0;
            if (ms > 0)
            {
                await Task.Delay(ms, context.CancellationToken);
            }

            var result = context.Input.ToJsonNode() as JsonObject ?? [];
            result["node"] = context.NodeName;
            return Payload.FromJsonNode(result);
        }
        catch (OperationCanceledException)
        {
            Cancelled.Add(context.NodeName);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }
}

/// <summary>Returns the targets in config.to (a list), whatever they are.</summary>
public sealed class TargetPlan : IPlanHandler
{
    public ValueTask<PlanDecision> DecideAsync(PlanContext context) =>
        ValueTask.FromResult(new PlanDecision(context.Config.GetProperty("to").EnumerateArray().Select(e => e.GetString()!).ToArray()));
}

/// <summary>Ignores its cancellation token (a badly written node) and sleeps config.ms.</summary>
public sealed class StubbornTask : ITaskHandler
{
    public async ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        await Task.Delay(context.Config.GetProperty("ms").GetInt32(), CancellationToken.None);
        return context.Input;
    }
}

/// <summary>Blocks until the test opens the gate (or its token is cancelled); records every attempt it ran.</summary>
public sealed class GateTask : ITaskHandler
{
    private TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<(string ExecutionId, int Attempt, string IdempotencyKey)> Runs { get; } = [];

    public int Waiting => _waiting;

    private int _waiting;

    public void Open() => _open.TrySetResult();

    public async ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        Runs.Enqueue((context.ExecutionId, context.Attempt, context.IdempotencyKey));
        Interlocked.Increment(ref _waiting);
        try
        {
            await _open.Task.WaitAsync(context.CancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }

        return context.Input;
    }
}

/// <summary>Asks for input (a custom task using the SDK call) and counts how often its body ran.</summary>
public sealed class AskTask : ITaskHandler
{
    private int _bodies;

    public int Bodies => _bodies;

    public ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        Interlocked.Increment(ref _bodies);
        return ValueTask.FromResult(context.WaitForInput("approve " + context.NodeName + "?", context.Input));
    }
}

/// <summary>
/// Spends config.tokens (a number, or a list indexed by attempt - 1) as input tokens and costs config.usd, then
/// returns its input with count + 1: a tick of a loop that uses a model.
/// </summary>
public sealed class SpendTask : ITaskHandler
{
    public ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        var tokens = context.Config.GetProperty("tokens");
        var spend = tokens.ValueKind == System.Text.Json.JsonValueKind.Array ? tokens[Math.Min(context.Attempt, tokens.GetArrayLength()) - 1].GetInt64() : tokens.GetInt64();
        context.RecordTokens(spend, 0);
        if (context.Config.TryGetProperty("usd", out var usd))
        {
            context.RecordCost(usd.GetDouble());
        }

        var result = context.Input.ToJsonNode() as JsonObject ?? [];
        result["count"] = (result["count"]?.GetValue<int>() ?? 0) + 1;
        return ValueTask.FromResult(Payload.FromJsonNode(result));
    }
}
