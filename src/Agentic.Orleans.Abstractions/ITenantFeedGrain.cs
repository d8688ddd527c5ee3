namespace Agentic.Orleans;

/// <summary>
/// A tenant's live feed of lifetime phase changes (key: tenant id), kept in memory for the last events: what a
/// dashboard or a web app follows. Live, not durable: a reader that missed events lists the lifetimes.
/// </summary>
[Alias("agentic.ITenantFeedGrain")]
public interface ITenantFeedGrain : IGrainWithStringKey
{
    [Alias("publish")]
    Task PublishAsync(TenantPhaseEvent change);

    /// <summary>
    /// Events after position <paramref name="after"/> of <paramref name="epoch"/> (null, or another epoch: from the
    /// oldest kept), waiting up to <paramref name="wait"/> for one when there are none yet.
    /// </summary>
    [Alias("read")]
    Task<TenantFeedPage> ReadAsync(string? epoch, long after, TimeSpan wait);
}
