namespace Agentic.Core.Execution;

/// <summary>
/// Book-keeping of one fan-out: how many of its tokens are still moving, and the results that arrived at joins.
/// A branch that splits adds tokens; a branch that ends or arrives removes one. At zero the join runs.
/// </summary>
internal sealed class FanOutGroup(string id, BranchFrame? parent, int outstanding)
{
    public string Id { get; } = id;

    public BranchFrame? Parent { get; } = parent;

    public int Outstanding { get; set; } = outstanding;

    public List<(int Index, long Sequence, string JoinPlan, int Iteration, UpstreamResult Result)> Arrivals { get; } = [];
}
