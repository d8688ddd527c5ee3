namespace Agentic.Orleans;

/// <summary>
/// One lifetime's journal index (key: lifetime id): the references of its records, append-only and in sequence order,
/// fed by the lifetime's stream, de-duplicated by sequence, with gaps filled from the store. What a web API's
/// server-sent events and a dashboard read.
/// </summary>
[Alias("agentic.IJournalGrain")]
public interface IJournalGrain : IGrainWithStringKey
{
    /// <summary>The references from <paramref name="fromSequence"/> (1: all) up to the last one known now.</summary>
    [Alias("page")]
    Task<IReadOnlyList<ExecutionRef>> ReadAsync(long fromSequence, int limit);

    /// <summary>
    /// The references from <paramref name="fromSequence"/>, then each new one as it becomes durable, until the
    /// lifetime's end record (or the caller stops). Resuming from the last sequence seen loses and repeats nothing.
    /// </summary>
    [Alias("tail")]
    IAsyncEnumerable<ExecutionRef> TailAsync(long fromSequence);
}
