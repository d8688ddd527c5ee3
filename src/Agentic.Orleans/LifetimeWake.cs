using Microsoft.Extensions.Logging;

namespace Agentic.Orleans;

/// <summary>
/// Calls a lifetime whose running activation Orleans dropped, off that activation's scheduler: the call reaches the
/// registered activation or makes a new one, loaded from the journal. Tried again with a growing delay while the
/// cluster's membership settles.
/// </summary>
internal static partial class LifetimeWake
{
    // The first wait lets the dropped activation leave the directory.
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(250);
    private const int Attempts = 8;

    public static async Task CallAsync(IGrainFactory grains, string lifetimeId, ILogger logger)
    {
        await Task.Delay(FirstDelay).ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await grains.GetGrain<IAgentLifetimeGrain>(lifetimeId).ActivateAsync().ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (attempt < Attempts)
            {
                LogRetry(logger, lifetimeId, attempt, ex.Message);
                await Task.Delay(FirstDelay * (1 << Math.Min(attempt, 5))).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex, lifetimeId, attempt);
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Lifetime {LifetimeId}: wake-up call {Attempt} failed ({Reason}); trying again")]
    private static partial void LogRetry(ILogger logger, string lifetimeId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Lifetime {LifetimeId}: could not be woken after {Attempts} calls; the next call or a recovery re-activates it")]
    private static partial void LogFailed(ILogger logger, Exception error, string lifetimeId, int attempts);
}
