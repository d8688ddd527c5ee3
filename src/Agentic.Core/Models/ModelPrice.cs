namespace Agentic.Core.Models;

/// <summary>What a model costs, in US dollars per million input and per million output tokens.</summary>
public readonly record struct ModelPrice(decimal InputPerMillion, decimal OutputPerMillion)
{
    /// <summary>The cost of one call (computed in decimal so that sums of many small calls do not drift).</summary>
    public double CostUsd(long inputTokens, long outputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        return (double)(((inputTokens * InputPerMillion) + (outputTokens * OutputPerMillion)) / 1_000_000m);
    }
}
