using System.Text.Json.Nodes;
using Agentic.Core.Execution;
using Agentic.Runtime.Nodes;

namespace Agentic.Orleans.Tests;

/// <summary>Spends config.tokens input tokens and returns its input with count + 1: a tick of a loop that uses a model.</summary>
public sealed class SpendTask : ITaskHandler
{
    public ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.RecordTokens(context.Config.GetProperty("tokens").GetInt64(), 0);
        var result = context.Input.ToJsonNode() as JsonObject ?? [];
        result["count"] = (result["count"]?.GetValue<int>() ?? 0) + 1;
        return ValueTask.FromResult(Payload.FromJsonNode(result));
    }
}
