using Agentic.Runtime.Workers;

namespace Agentic.Runtime.Hosting;

/// <summary>Settings of the runtime on a silo: workers' limits, journal batching, blob offload, snapshots.</summary>
public sealed class AgenticRuntimeOptions
{
    /// <summary>A tenant's budget no lifetime on this silo uses is dropped from memory after this long (its ledger stays stored).</summary>
    public TimeSpan TenantIdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

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
