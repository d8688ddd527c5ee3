using Agentic.Runtime.Actors;
using Agentic.Runtime.Workers;

namespace Agentic.Runtime.Hosting;

/// <summary>Settings of an <see cref="AgenticRuntime"/>.</summary>
public sealed class AgenticRuntimeOptions
{
    public ActorHostOptions Actors { get; } = new();

    public WorkerOptions Workers { get; } = new();

    /// <summary>Most records in one journal transaction.</summary>
    public int JournalMaxBatch { get; set; } = 4096;

    /// <summary>Tenant of lifetimes started without one.</summary>
    public string DefaultTenant { get; set; } = "default";
}
