using Agentic.Core.Expressions;

namespace Agentic.Core.Execution;

/// <summary>
/// Names visible to edge conditions: <c>result</c> (the source's result), <c>results</c> (all upstream results),
/// <c>input</c> (the lifetime input), <c>node</c>, and <c>lifetime</c> with <c>id</c>, <c>tenant</c>, <c>iteration</c>,
/// <c>executions</c>. Reused per state machine: evaluation is single-threaded inside the lifetime.
/// </summary>
internal sealed class RoutingScope : IExpressionScope
{
    private readonly LifetimeRecord _lifetime;

    public RoutingScope(LifetimeStateMachine machine) => _lifetime = new LifetimeRecord(machine);

    public Payload? Result { get; set; }

    public IReadOnlyList<UpstreamResult>? Results { get; set; }

    public Payload? Input { get; set; }

    public string Node { get; set; } = string.Empty;

    public int Iteration { get; set; }

    public bool TryResolve(string name, out ExpressionValue value)
    {
        switch (name)
        {
            case "result":
                value = Result is { IsJson: true } r ? ExpressionValue.FromJson(r.Json) : ExpressionValue.Null;
                return true;
            case "results":
                value = ExpressionValue.FromList(Results?.Select(u => u.Payload.IsJson ? ExpressionValue.FromJson(u.Payload.Json) : ExpressionValue.Null).ToArray() ?? []);
                return true;
            case "input":
                value = Input is { IsJson: true } i ? ExpressionValue.FromJson(i.Json) : ExpressionValue.Null;
                return true;
            case "node":
                value = ExpressionValue.FromString(Node);
                return true;
            case "lifetime":
                _lifetime.Iteration = Iteration;
                value = ExpressionValue.FromRecord(_lifetime);
                return true;
            default:
                value = ExpressionValue.Null;
                return false;
        }
    }

    private sealed class LifetimeRecord(LifetimeStateMachine machine) : IExpressionScope
    {
        public int Iteration { get; set; }

        public bool TryResolve(string name, out ExpressionValue value)
        {
            value = name switch
            {
                "id" => ExpressionValue.FromString(machine.LifetimeId),
                "tenant" => ExpressionValue.FromString(machine.TenantId),
                "iteration" => ExpressionValue.FromNumber(Iteration),
                "executions" => ExpressionValue.FromNumber(machine.ExecutionCount),
                "graph" => ExpressionValue.FromString(machine.Graph.Name),
                _ => ExpressionValue.Null,
            };
            return name is "id" or "tenant" or "iteration" or "executions" or "graph";
        }
    }
}
