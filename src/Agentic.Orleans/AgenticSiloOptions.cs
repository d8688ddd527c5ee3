namespace Agentic.Orleans;

/// <summary>How a silo takes part in the cluster's recovery.</summary>
public sealed class AgenticSiloOptions
{
    /// <summary>
    /// Whether the oldest silo activates every unfinished lifetime when it joins (a cluster's restart). A process that
    /// runs a silo for a short job of its own (the CLI's <c>run</c>) turns it off, so that it never picks up other
    /// lifetimes of its journal; silo deaths are still recovered.
    /// </summary>
    public bool RecoverOnStart { get; set; } = true;
}
