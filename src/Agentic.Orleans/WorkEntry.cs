namespace Agentic.Orleans;

/// <summary>One execution on a work queue: waiting, leased (until <see cref="Deadline"/>), or reported (<see cref="Outcome"/>).</summary>
[GenerateSerializer, Alias("agentic.WorkEntry")]
public sealed class WorkEntry
{
    [Id(0)]
    public required WorkItem Item { get; set; }

    [Id(1)]
    public int Offers { get; set; }

    [Id(2)]
    public string? LeaseId { get; set; }

    [Id(3)]
    public DateTimeOffset? Deadline { get; set; }

    [Id(4)]
    public WorkOutcome? Outcome { get; set; }

    [Id(5)]
    public TimeSpan LeaseFor { get; set; }

    /// <summary>When the outcome was handed to its execution (kept a while for a re-offer after a recovery).</summary>
    [Id(6)]
    public DateTimeOffset? TakenAt { get; set; }

    [Id(7)]
    public string? Worker { get; set; }
}
