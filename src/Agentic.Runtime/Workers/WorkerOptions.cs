namespace Agentic.Runtime.Workers;

/// <summary>Limits of the stateless workers that run Tasks and Plans.</summary>
public sealed class WorkerOptions
{
    /// <summary>Concurrent executions at most per node type (e.g. <c>["llm"] = 4</c>); types not listed are unbounded.</summary>
    public Dictionary<string, int> ConcurrencyLimits { get; } = new(StringComparer.Ordinal);
}
