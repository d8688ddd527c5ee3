using System.Text.Json;

namespace Agentic.Core.Graphs;

/// <summary>Per-node options for <see cref="GraphBuilder"/>: configuration, retries and timeout.</summary>
public sealed class NodeOptions
{
    internal JsonElement ConfigElement { get; private set; }

    internal RetryPolicy RetryPolicy { get; private set; } = RetryPolicy.None;

    internal TimeSpan? TimeoutValue { get; private set; }

    /// <summary>Configuration as any JSON-serializable object (anonymous types are fine), serialized snake_case-free as written.</summary>
    public NodeOptions Config(object config)
    {
        ArgumentNullException.ThrowIfNull(config);
        ConfigElement = config is JsonElement e ? e.Clone() : JsonSerializer.SerializeToElement(config);
        return this;
    }

    /// <summary>Configuration as a JSON text.</summary>
    public NodeOptions ConfigJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        ConfigElement = doc.RootElement.Clone();
        return this;
    }

    public NodeOptions Retry(int maxAttempts, TimeSpan backoff)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoff, TimeSpan.Zero);
        RetryPolicy = RetryPolicy.Create(maxAttempts, backoff);
        return this;
    }

    public NodeOptions Timeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        TimeoutValue = timeout;
        return this;
    }
}
