using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes.BuiltIn;

/// <summary><c>fail</c>: fails its first <c>config.times</c> attempts (default 1) with <c>config.message</c>, then passes its input through.</summary>
public sealed class FailTask : ITaskHandler, INodeConfigValidator
{
    public ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var times = ConfigReader.Int(context.Config, "times", 1, min: 0);
        if (context.Attempt <= times)
        {
            var message = ConfigReader.Str(context.Config, "message") ?? "deliberate failure";
            throw new InvalidOperationException($"{message} (attempt {context.Attempt} of the first {times} that fail)");
        }

        return ValueTask.FromResult(context.Input);
    }

    public IEnumerable<string> Validate(GraphNode node, AgentGraph graph) => ConfigReader.Problems(() =>
    {
        ConfigReader.Int(node.Config, "times", 1, min: 0);
        ConfigReader.Str(node.Config, "message");
    });
}
