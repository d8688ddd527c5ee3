using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes;

/// <summary>A node implementation registered under a type name.</summary>
public sealed record NodeRegistration(string TypeName, NodeKind Kind, Type HandlerType, string Description);
