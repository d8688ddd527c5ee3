using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes;

/// <summary>Optional: a handler that can check its node's configuration when a graph is validated, before anything runs.</summary>
public interface INodeConfigValidator
{
    IEnumerable<string> Validate(GraphNode node, AgentGraph graph);
}
