using Agentic.Core.Graphs;
using Agentic.Core.Validation;

namespace Agentic.Core.Tests;

/// <summary>A node catalog for validation tests: counter/echo tasks, route/all plans; route rejects a "bad" config field.</summary>
internal sealed class TestCatalog : INodeTypeCatalog
{
    public static TestCatalog Instance { get; } = new();

    public bool TryGetKind(string type, out NodeKind kind)
    {
        kind = type is "route" or "all" ? NodeKind.Plan : NodeKind.Task;
        return type is "counter" or "echo" or "route" or "all";
    }

    public IEnumerable<string> TypeNames(NodeKind kind) => kind == NodeKind.Task ? ["counter", "echo"] : ["all", "route"];

    public IEnumerable<string> ValidateNode(GraphNode node, AgentGraph graph) =>
        node.Config.TryGetProperty("bad", out _) ? ["config.bad is not allowed"] : [];
}
