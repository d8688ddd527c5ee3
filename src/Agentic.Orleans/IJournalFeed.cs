using Orleans.Concurrency;

namespace Agentic.Orleans;

/// <summary>How a journal grain receives its lifetime's references from the partition consumer.</summary>
[Alias("agentic.IJournalFeed")]
public interface IJournalFeed : IGrainWithStringKey
{
    [Alias("deliver"), OneWay]
    Task DeliverAsync(ExecutionRef[] refs);
}
