using Agentic.Core.Execution;

namespace Agentic.Runtime.Nodes;

/// <summary>Context of a Task: its input is the upstream plan's payload, or the lifetime input for a start task.</summary>
public sealed class TaskContext : NodeContext
{
    internal TaskContext(ExecutionRequest request, Workers.LifetimeRunScope scope, CancellationToken cancellation)
        : base(request, scope, cancellation)
    {
    }

    public Payload Input => Request.Inputs[0].Payload;

    /// <summary>Which node produced the input ("input" for the lifetime input).</summary>
    public UpstreamResult Upstream => Request.Inputs[0];

    /// <summary>Set by <see cref="WaitForInput"/>.</summary>
    internal Payload? InputPrompt { get; private set; }

    /// <summary>
    /// Ends this body without a result: the execution is journaled as Waiting with <paramref name="prompt"/> and
    /// completes, exactly once, when <c>ProvideInput</c> supplies its result. The body is not run again (even after a
    /// restart), and the wait holds no worker or thread. Return the value this returns.
    /// </summary>
    public Payload WaitForInput(string prompt, Payload? details = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(prompt);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("prompt", prompt);
            if (details is { IsJson: true })
            {
                json.WritePropertyName("details");
                json.WriteRawValue(details.Bytes.Span, skipInputValidation: true);
            }

            json.WriteEndObject();
        }

        InputPrompt = Payload.FromTrusted(buffer.WrittenMemory.ToArray(), Payload.JsonMediaType);
        return InputPrompt;
    }
}
