using Agentic.Core.Guardrails;

namespace Agentic.Runtime.Guardrails;

/// <summary>The guardrail policies in force now. A source may swap in a new set at any time (reload); each judged step records the version it saw.</summary>
public interface IPolicySource
{
    PolicySet Current { get; }

    /// <summary>
    /// Where the policies come from, recorded with each lifetime so that resume and recovery enforce the same ones:
    /// a file or folder path, <c>set:VERSION</c> for a fixed set, or null when the host has none of its own (only
    /// policies it reads at run time, such as tenants' own in a cluster, which every silo of it enforces alike).
    /// </summary>
    string? Origin => $"set:{Current.Version}";

    /// <summary>
    /// Completes once <see cref="Current"/> holds every policy in force (a source that reads them from elsewhere, such as
    /// tenants' own policies in a cluster, completes it after its first read); lifetimes start or resume only after it.
    /// </summary>
    Task Loaded => Task.CompletedTask;
}
