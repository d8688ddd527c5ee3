using Agentic.Core.Graphs;

namespace Agentic.Core.Validation;

/// <summary>What the validator needs to know about registered node implementations.</summary>
public interface INodeTypeCatalog
{
    /// <summary>The kind a registered type implements; false when nothing is registered under <paramref name="type"/>.</summary>
    bool TryGetKind(string type, out NodeKind kind);

    IEnumerable<string> TypeNames(NodeKind kind);

    /// <summary>Problems with a node's configuration (empty when valid), each naming the offending field.</summary>
    IEnumerable<string> ValidateNode(GraphNode node, AgentGraph graph);
}
