namespace Agentic.Core.Execution;

/// <summary>
/// One append-only record of a lifetime's journal. Sequence numbers are gapless per lifetime, starting at 1.
/// Domain type; the protobuf form in proto/ is mapped at the storage boundary.
/// </summary>
public abstract class JournalEntry
{
    public required string LifetimeId { get; init; }

    public required long Sequence { get; init; }

    public required DateTimeOffset RecordedAt { get; init; }
}
