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

    /// <summary>
    /// Results and inputs larger than this many bytes are stored in the blob store (when one is registered) and
    /// journaled as a reference. Default 1 MiB.
    /// </summary>
    public long InlineResultLimit { get; set; } = 1024 * 1024;

    /// <summary>
    /// A lifetime's state is snapshotted after every this many records, so re-activation applies only the records
    /// since. 0 turns snapshots off. Snapshots are an optimisation: deleting them changes no result.
    /// </summary>
    public int SnapshotEvery { get; set; } = 256;

    /// <summary>Tenant of lifetimes started without one.</summary>
    public string DefaultTenant { get; set; } = "default";
}
