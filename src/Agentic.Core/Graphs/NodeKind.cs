namespace Agentic.Core.Graphs;

/// <summary>Whether a node does work (Task) or decides what runs next (Plan).</summary>
public enum NodeKind
{
    Task,
    Plan,
}
