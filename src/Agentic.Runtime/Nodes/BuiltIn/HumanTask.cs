using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes.BuiltIn;

/// <summary>
/// <c>human</c>: waits for a person. The execution is journaled as Waiting with <c>config.prompt</c> and the task's
/// input as details; <c>agentic input</c> (or <c>ProvideInput</c>) supplies its result. Holds no worker while waiting.
/// </summary>
public sealed class HumanTask : ITaskHandler, INodeConfigValidator
{
    public ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(context.WaitForInput(Prompt(context.Node), context.Input));
    }

    public IEnumerable<string> Validate(GraphNode node, AgentGraph graph)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (node.Config.ValueKind == System.Text.Json.JsonValueKind.Object &&
            node.Config.TryGetProperty("prompt", out var prompt) &&
            (prompt.ValueKind != System.Text.Json.JsonValueKind.String || string.IsNullOrWhiteSpace(prompt.GetString())))
        {
            yield return "config.prompt must be a non-empty string";
        }
    }

    private static string Prompt(GraphNode node) =>
        node.Config.ValueKind == System.Text.Json.JsonValueKind.Object && node.Config.TryGetProperty("prompt", out var prompt) && prompt.GetString() is { Length: > 0 } text
            ? text
            : $"input for {node.Name}";
}
