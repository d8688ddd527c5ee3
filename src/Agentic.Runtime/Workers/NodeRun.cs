using System.Buffers;
using System.Diagnostics;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Actors;
using Agentic.Runtime.Blobs;
using Agentic.Runtime.Nodes;

namespace Agentic.Runtime.Workers;

/// <summary>
/// One execution on a worker: resolves the handler, runs it with timeout and cancellation, measures latency,
/// and posts itself — now carrying the outcome — back to the lifetime actor that dispatched it.
/// </summary>
internal sealed class NodeRun : IThreadPoolWorkItem
{
    private readonly NodeRegistry _registry;
    private readonly TimeProvider _time;
    private readonly IActorRef<object> _owner;
    private readonly string _tenantId;
    private readonly string _lifetimeId;
    private readonly Payload _lifetimeInput;
    private readonly IReadOnlyList<string> _allowedTargets;
    private readonly CancellationToken _lifetimeToken;
    private readonly PayloadOffload _offload;

    private static readonly TimeSpan HardDeadlineGrace = TimeSpan.FromSeconds(2);

    public NodeRun(ExecutionRequest request, IReadOnlyList<string> allowedTargets, NodeRegistry registry, TimeProvider time, IActorRef<object> owner, string tenantId, string lifetimeId, Payload lifetimeInput, PayloadOffload offload, CancellationToken lifetimeToken)
    {
        _offload = offload;
        Request = request;
        _allowedTargets = allowedTargets;
        _registry = registry;
        _time = time;
        _owner = owner;
        _tenantId = tenantId;
        _lifetimeId = lifetimeId;
        _lifetimeInput = lifetimeInput;
        _lifetimeToken = lifetimeToken;
    }

    public ExecutionRequest Request { get; }

    internal ConcurrencyGate? Gate { get; set; }

    internal WorkerPool? Pool { get; set; }

    public DateTimeOffset StartedAt { get; private set; }

    public Payload? Result { get; private set; }

    public IReadOnlyList<string>? NextTaskNames { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Set when a task asked for input (<see cref="TaskContext.WaitForInput"/>): the execution waits.</summary>
    public Payload? Prompt { get; private set; }

    public ExecutionTelemetry Telemetry { get; private set; } = ExecutionTelemetry.None;

    /// <summary>When the node body finished (timestamp), for the benchmark's step-gap measurement.</summary>
    public long FinishedTimestamp { get; private set; }

    public long StartedTimestamp { get; private set; }

    public void Execute() => _ = RunAsync();

    private async Task RunAsync()
    {
        StartedAt = _time.GetUtcNow();
        StartedTimestamp = _time.GetTimestamp();
        NodeContext? context = null;
        CancellationTokenSource? timeout = null;
        CancellationTokenSource? linked = null;
        var token = _lifetimeToken;
        try
        {
            if (Request.Node.Timeout is { } limit)
            {
                timeout = new CancellationTokenSource(limit, _time);
                linked = CancellationTokenSource.CreateLinkedTokenSource(_lifetimeToken, timeout.Token);
                token = linked.Token;
            }

            if (Request.Node.Kind == NodeKind.Task)
            {
                var ctx = new TaskContext(Request, _tenantId, _lifetimeId, _lifetimeInput, token);
                context = ctx;
                var pending = _registry.ResolveTask(Request.Node.Type).ExecuteAsync(ctx);
                Result = pending.IsCompletedSuccessfully ? pending.Result : await WithTimeout(pending.AsTask(), Request.Node.Timeout).ConfigureAwait(false);
                Prompt = ctx.InputPrompt;
            }
            else
            {
                var ctx = new PlanContext(Request, _allowedTargets, _tenantId, _lifetimeId, _lifetimeInput, token);
                context = ctx;
                var pending = _registry.ResolvePlan(Request.Node.Type).DecideAsync(ctx);
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
        catch (OperationCanceledException) when (timeout?.IsCancellationRequested == true && !_lifetimeToken.IsCancellationRequested)
        {
            Fail($"timed out after {Request.Node.Timeout!.Value.TotalMilliseconds:0} ms");
        }
        catch (OperationCanceledException) when (_lifetimeToken.IsCancellationRequested)
        {
            Fail("cancelled");
        }
        catch (Exception ex)
        {
            Fail($"{ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            FinishedTimestamp = _time.GetTimestamp();
            linked?.Dispose();
            timeout?.Dispose();
        }

        if (Error is null && ((Result is not null && _offload.Applies(Result)) || (Prompt is not null && _offload.Applies(Prompt))))
        {
            await OffloadAsync().ConfigureAwait(false);
        }

        var latencyMs = _time.GetElapsedTime(StartedTimestamp, FinishedTimestamp).TotalMilliseconds;
        Telemetry = context is null ? new ExecutionTelemetry(0, 0, 0, latencyMs) : context.BuildTelemetry(latencyMs);
        Gate?.Release();
        Pool?.Finished();
        _owner.PostAndRunIfIdle(this);
    }

    /// <summary>A result over the inline limit goes to the blob store before its record is journaled (off the actor).</summary>
    private async Task OffloadAsync()
    {
        var size = Prompt?.Length ?? Result!.Length;
        try
        {
            Result = Result is null ? null : await _offload.OffloadAsync(Result, _lifetimeToken).ConfigureAwait(false);
            Prompt = Prompt is null ? null : await _offload.OffloadAsync(Prompt, _lifetimeToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_lifetimeToken.IsCancellationRequested)
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
        timeout is { } t ? task.WaitAsync(t + HardDeadlineGrace, _time) : task;

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
