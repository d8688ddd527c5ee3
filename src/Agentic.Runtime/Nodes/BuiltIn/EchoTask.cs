using System.Text.Json.Nodes;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes.BuiltIn;

/// <summary><c>echo</c>: returns its input merged with its config (config fields win). A non-object input is kept under <c>input</c>.</summary>
public sealed class EchoTask : ITaskHandler
{
    public ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var input = context.Input.ToJsonNode();
        var result = input as JsonObject ?? new JsonObject { ["input"] = input };
        foreach (var field in context.Config.EnumerateObject())
        {
            result[field.Name] = JsonNode.Parse(field.Value.GetRawText());
        }

        return ValueTask.FromResult(Payload.FromJsonNode(result));
    }
}
