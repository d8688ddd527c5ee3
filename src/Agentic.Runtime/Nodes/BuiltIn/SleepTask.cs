using Agentic.Core.Execution;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes.BuiltIn;

/// <summary><c>sleep</c>: waits <c>config.ms</c> milliseconds, honouring cancellation (timeouts, lifetime end), and passes its input through.</summary>
public sealed class SleepTask(TimeProvider time) : ITaskHandler, INodeConfigValidator
{
    public async ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ms = ConfigReader.Int(context.Config, "ms", 0, min: 0);
        await Task.Delay(TimeSpan.FromMilliseconds(ms), time, context.CancellationToken).ConfigureAwait(false);
        return context.Input;
    }

    public IEnumerable<string> Validate(GraphNode node, AgentGraph graph) => ConfigReader.Problems(() => ConfigReader.Int(node.Config, "ms", 0, min: 0));
}
