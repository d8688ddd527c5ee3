using System.Buffers;
using System.Text.Json;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes.BuiltIn;

/// <summary>
/// <c>counter</c>: returns its input with <c>count</c> (or <c>config.field</c>) increased by 1 (or <c>config.by</c>);
/// a missing count starts at 0. Written straight to UTF-8 so it costs little on the step loop.
/// </summary>
public sealed class CounterTask : ITaskHandler, INodeConfigValidator
{
    public ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var field = ConfigReader.Str(context.Config, "field") ?? "count";
        var by = ConfigReader.Int(context.Config, "by", 1);
        var input = context.Input.Json;
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            long count = 0;
            if (input.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in input.EnumerateObject())
                {
                    if (p.NameEquals(field))
                    {
                        count = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt64(out var c)
                            ? c
                            : throw new InvalidOperationException($"input field '{field}' must be a whole number to count, got {p.Value.GetRawText()}");
                        continue;
                    }

                    p.WriteTo(w);
                }
            }

            w.WriteNumber(field, count + by);
            w.WriteEndObject();
        }

        return ValueTask.FromResult(Payload.FromTrusted(buffer.WrittenMemory.ToArray(), Payload.JsonMediaType));
    }

    public IEnumerable<string> Validate(GraphNode node, AgentGraph graph) => ConfigReader.Problems(() =>
    {
        ConfigReader.Str(node.Config, "field");
        ConfigReader.Int(node.Config, "by", 1);
    });
}
