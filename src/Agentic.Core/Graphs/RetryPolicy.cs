namespace Agentic.Core.Graphs;

/// <summary>Retry settings of a node: attempts in total (1 = no retry) and the base of the exponential backoff.</summary>
public sealed record RetryPolicy(int MaxAttempts, TimeSpan Backoff, TimeSpan MaxBackoff)
{
    public static RetryPolicy None { get; } = new(1, TimeSpan.Zero, TimeSpan.Zero);

    public static RetryPolicy Create(int maxAttempts, TimeSpan backoff) =>
        new(maxAttempts, backoff, TimeSpan.FromTicks(Math.Max(backoff.Ticks, TimeSpan.FromSeconds(30).Ticks)));

    /// <summary>
    /// Delay before attempt <paramref name="nextAttempt"/> (2-based): backoff · 2^(n-2), capped, with "equal jitter"
    /// (half fixed, half random) so that many retrying lifetimes do not hit a dependency in lock-step.
    /// </summary>
    public TimeSpan DelayBefore(int nextAttempt, double jitter01)
    {
        if (Backoff <= TimeSpan.Zero || nextAttempt < 2)
        {
            return TimeSpan.Zero;
        }

        var exponent = Math.Min(nextAttempt - 2, 30);
        var raw = Math.Min(Backoff.Ticks * Math.Pow(2, exponent), MaxBackoff.Ticks);
        var half = raw / 2;
        return TimeSpan.FromTicks((long)(half + (half * Math.Clamp(jitter01, 0, 1))));
    }
}
