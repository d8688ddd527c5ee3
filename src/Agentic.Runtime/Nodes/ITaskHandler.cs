using Agentic.Core.Execution;

namespace Agentic.Runtime.Nodes;

/// <summary>Implements a Task type. Resolved from DI; one instance may serve many executions concurrently.</summary>
public interface ITaskHandler
{
    ValueTask<Payload> ExecuteAsync(TaskContext context);
}
