using System.Buffers;
using System.Diagnostics;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Nodes;

namespace Agentic.Runtime.Workers;

/// <summary>
/// One execution on a worker: resolves the handler, runs it with timeout and cancellation, measures latency,
/// and posts itself — now carrying the outcome — back to the lifetime actor that dispatched it.
/// </summary>
internal sealed class NodeRun : IThreadPoolWorkItem
{
    private readonly LifetimeRunScope _scope;
    private NodeContext? _context;
    private double _latencyMs;

    private static readonly TimeSpan HardDeadlineGrace = TimeSpan.FromSeconds(2);

    public NodeRun(ExecutionRequest request, LifetimeRunScope scope)
    {
        Request = request;
        _scope = scope;
    }

    public ExecutionRequest Request { get; }

    internal ConcurrencyGate? Gate { get; set; }

    public DateTimeOffset StartedAt { get; private set; }

    public Payload? Result { get; private set; }

    public IReadOnlyList<string>? NextTaskNames { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Set when a task asked for input (<see cref="TaskContext.WaitForInput"/>): the execution waits.</summary>
    public Payload? Prompt { get; private set; }

    /// <summary>Usage the node recorded and the latency measured; built on request (the struct is large to carry).</summary>
    public ExecutionTelemetry Telemetry => _context is { } context ? context.BuildTelemetry(_latencyMs) : new ExecutionTelemetry(0, 0, 0, _latencyMs);

    /// <summary>When the node body finished (timestamp), for the benchmark's step-gap measurement.</summary>
    public long FinishedTimestamp { get; private set; }

    public long StartedTimestamp { get; private set; }

    /// <summary>Runs the execution from the thread pool (the executor queues it there, off any grain's scheduler).</summary>
    public void Execute() => _ = RunAsync();

    /// <summary>
    /// Reports the execution failed without running it (its executor could not be reached): the lifetime records the
    /// failure and retries it like any other, with the same idempotency key.
    /// </summary>
    internal void Refuse(string error)
    {
        StartedAt = _scope.Time.GetUtcNow();
        StartedTimestamp = FinishedTimestamp = _scope.Time.GetTimestamp();
        Fail(error);
        Report(null);
    }

    private async Task RunAsync()
    {
        StartedAt = _scope.Time.GetUtcNow();
        StartedTimestamp = _scope.Time.GetTimestamp();
        NodeContext? context = null;
        CancellationTokenSource? timeout = null;
        CancellationTokenSource? linked = null;
        var token = _scope.LifetimeToken;
        try
        {
            if (Request.Node.Timeout is { } limit)
            {
                timeout = new CancellationTokenSource(limit, _scope.Time);
                linked = CancellationTokenSource.CreateLinkedTokenSource(_scope.LifetimeToken, timeout.Token);
                token = linked.Token;
            }

            if (Request.Node.Kind == NodeKind.Task)
            {
                var ctx = new TaskContext(Request, _scope, token);
                context = ctx;
                var pending = _scope.Registry.ResolveTask(Request.Node.Type).ExecuteAsync(ctx);
                Result = pending.IsCompletedSuccessfully ? pending.Result : await WithTimeout(pending.AsTask(), Request.Node.Timeout).ConfigureAwait(false);
                Prompt = ctx.InputPrompt;
            }
            else
            {
                var ctx = new PlanContext(Request, _scope, token);
                context = ctx;
                var pending = _scope.Registry.ResolvePlan(Request.Node.Type).DecideAsync(ctx);
                var decision = pending.IsCompletedSuccessfully ? pending.Result : await WithTimeout(pending.AsTask(), Request.Node.Timeout).ConfigureAwait(false);
                if (decision?.NextTaskNames is null)
                {
                    throw new InvalidOperationException($"plan type '{Request.Node.Type}' returned no decision");
                }

                NextTaskNames = decision.NextTaskNames;
                Result = decision.Payload ?? PassThrough(Request.Inputs);
            }

            if (Result is null)
            {
                throw new InvalidOperationException($"task type '{Request.Node.Type}' returned no result (return Payload.EmptyObject for none)");
            }
        }
        catch (TimeoutException) when (Request.Node.Timeout is not null)
        {
            Fail($"timed out after {Request.Node.Timeout!.Value.TotalMilliseconds:0} ms (the node ignored cancellation for {HardDeadlineGrace.TotalSeconds:0} s more and was abandoned)");
        }
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true && !_scope.LifetimeToken.IsCancellationRequested)
        {
            Fail($"timed out after {Request.Node.Timeout!.Value.TotalMilliseconds:0} ms");
        }
        catch (OperationCanceledException) when (_scope.LifetimeToken.IsCancellationRequested)
        {
            Fail("cancelled");
        }
        catch (Exception ex)
        {
            Fail($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            FinishedTimestamp = _scope.Time.GetTimestamp();
            linked?.Dispose();
            timeout?.Dispose();
        }

        if (Error is null && ((Result is not null && _scope.Offload.Applies(Result)) || (Prompt is not null && _scope.Offload.Applies(Prompt))))
        {
            await OffloadAsync().ConfigureAwait(false);
        }

        Report(context);
    }

    /// <summary>Frees the execution's place under its type's limit and posts the outcome to the lifetime.</summary>
    private void Report(NodeContext? context)
    {
        _latencyMs = _scope.Time.GetElapsedTime(StartedTimestamp, FinishedTimestamp).TotalMilliseconds;
        context?.Finish();
        _context = context;
        Gate?.Release();
        _scope.Workers.Finished();
        _scope.Owner.Post(this);
    }

    /// <summary>A result over the inline limit goes to the blob store before its record is journaled (off the actor).</summary>
    private async Task OffloadAsync()
    {
        var size = Prompt?.Length ?? Result!.Length;
        try
        {
            Result = Result is null ? null : await _scope.Offload.OffloadAsync(Result, _scope.LifetimeToken).ConfigureAwait(false);
            Prompt = Prompt is null ? null : await _scope.Offload.OffloadAsync(Prompt, _scope.LifetimeToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_scope.LifetimeToken.IsCancellationRequested)
        {
            Fail("cancelled");
        }
        catch (Exception ex)
        {
            Fail($"the result ({size} bytes) could not be stored in the blob store: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private void Fail(string error)
    {
        Result = null;
        Prompt = null;
        NextTaskNames = null;
        Error = error;
    }

    /// <summary>
    /// The token is cancelled at the timeout; a node that ignores it is abandoned after a grace period so that a
    /// stuck node cannot hold its lifetime forever. Its late result, if any, is discarded.
    /// </summary>
    private Task<T> WithTimeout<T>(Task<T> task, TimeSpan? timeout) =>
        timeout is { } t ? task.WaitAsync(t + HardDeadlineGrace, _scope.Time) : task;

    /// <summary>Without an explicit payload a plan passes its input on; a join passes the branch results as a JSON array.</summary>
    private static Payload PassThrough(IReadOnlyList<UpstreamResult> inputs)
    {
        if (inputs.Count == 1)
        {
            return inputs[0].Payload;
        }

        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write("["u8);
        for (var i = 0; i < inputs.Count; i++)
        {
            if (i > 0)
            {
                buffer.Write(","u8);
            }

            var p = inputs[i].Payload;
            if (p.IsJson)
            {
                buffer.Write(p.Bytes.Span);
            }
            else
            {
                buffer.Write("null"u8);
            }
        }

        buffer.Write("]"u8);
        Debug.Assert(buffer.WrittenCount > 1);
        return Payload.FromTrusted(buffer.WrittenMemory.ToArray(), Payload.JsonMediaType);
    }
}
