using Agentic.Core.Execution;
using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace Agentic.Orleans;

/// <summary>
/// Publishes each durable record's <see cref="ExecutionRef"/> on its lifetime's stream. Called on the lifetime grain's
/// turn after the record is stored; the send is not awaited there (a lost reference is repaired from the store by
/// the journal grain, so the lifetime never waits for its audience).
/// </summary>
internal sealed partial class ExecutionRefPublisher(IServiceProvider services, ILogger<ExecutionRefPublisher> logger) : IJournalObserver
{
    private IStreamProvider? _provider;

    /// <summary>Tests only: what is sent for a reference (none drops it, two repeat it). Null: the reference itself.</summary>
    internal Func<ExecutionRef, IEnumerable<ExecutionRef>>? Faults { get; set; }

    public void OnRecorded(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var reference = ExecutionRefs.Of(entry);
        _provider ??= services.GetRequiredKeyedService<IStreamProvider>(ExecutionRefs.StreamProvider);
        var stream = _provider.GetStream<ExecutionRef>(StreamId.Create(ExecutionRefs.Namespace, entry.LifetimeId));
        foreach (var sent in Faults?.Invoke(reference) ?? [reference])
        {
            _ = SendAsync(stream, sent);
        }
    }

    private async Task SendAsync(IAsyncStream<ExecutionRef> stream, ExecutionRef reference)
    {
        try
        {
            await stream.OnNextAsync(reference).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogSendFailed(logger, ex, reference.LifetimeId, reference.Sequence);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The reference of lifetime {LifetimeId} record {Sequence} was not published (its journal grain fills it from the store)")]
    private static partial void LogSendFailed(ILogger logger, Exception error, string lifetimeId, long sequence);
}
