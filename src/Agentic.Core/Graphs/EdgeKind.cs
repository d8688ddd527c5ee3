namespace Agentic.Core.Graphs;

/// <summary>How an edge is taken; see docs/graph-format.md for the exact semantics.</summary>
public enum EdgeKind
{
    /// <summary>Ordinary continuation along the same branch.</summary>
    Normal,

    /// <summary>Plan → Task: opens one branch of a fan-out that a join later gathers.</summary>
    Parallel,

    /// <summary>Task → Plan: a branch arrives at a join plan, which runs once every branch of its fan-out has settled.</summary>
    Join,

    /// <summary>Any node → <c>end</c>: completes the lifetime.</summary>
    Final,
}
