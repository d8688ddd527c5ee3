namespace Agentic.Orleans;

/// <summary>
/// Consumes one partition of the record-reference streams (key: partition number) and forwards each lifetime's
/// references to its journal grain while that grain is active (it registers itself); an inactive journal grain
/// catches up from the store when it activates, so nothing is forwarded to nobody.
/// </summary>
[Alias("agentic.IJournalPartitionGrain")]
public interface IJournalPartitionGrain : IGrainWithStringKey
{
    [Alias("watch")]
    Task WatchAsync(string lifetimeId);

    [Alias("unwatch")]
    Task UnwatchAsync(string lifetimeId);
}
