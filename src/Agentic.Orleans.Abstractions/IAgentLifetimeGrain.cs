namespace Agentic.Orleans;

/// <summary>
/// One lifetime (key: its id). It owns the lifetime's state machine, journals every step before dispatching the next,
/// and deactivates when parked (waiting, paused, ended); any call re-activates it from its journal. Refusals arrive as
/// exceptions every caller can read: <see cref="ArgumentException"/> (an invalid graph or input),
/// <see cref="KeyNotFoundException"/> (no such lifetime), <see cref="InvalidOperationException"/> (a refused
/// transition such as a second abort or input already given, an id already taken); nothing is recorded for them.
/// </summary>
[Alias("agentic.IAgentLifetimeGrain")]
public interface IAgentLifetimeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Starts the lifetime; returns at once (phase pending or running). The graph is published first (as
    /// <see cref="IGraphRegistryGrain.PublishAsync"/> does: other content under a published version is refused), so
    /// every lifetime's name@version names one graph. Refused if the graph is invalid or the id is taken.
    /// </summary>
    [Alias("start")]
    Task<LifetimeState> StartAsync(StartLifetimeCommand command);

    /// <summary>Starts the lifetime from a published graph version; unknown name or version: <see cref="KeyNotFoundException"/>.</summary>
    [Alias("start-published")]
    Task<LifetimeState> StartPublishedAsync(StartPublishedLifetimeCommand command);

    /// <summary>
    /// Starts this lifetime as a fork of <paramref name="parentLifetimeId"/>: its records up to
    /// <paramref name="fromSequence"/> copied (recorded now, naming the parent), then run live from there. The parent
    /// is untouched.
    /// </summary>
    [Alias("fork")]
    Task<LifetimeState> ForkAsync(string parentLifetimeId, long fromSequence);

    /// <summary>The lifetime now (loading it from the journal if it is not active). Unknown id: <see cref="KeyNotFoundException"/>.</summary>
    [Alias("inspect")]
    Task<LifetimeState> InspectAsync();

    /// <summary>Re-activates the lifetime from its journal and runs on what it left open (recovery).</summary>
    [Alias("activate")]
    Task<LifetimeState> ActivateAsync();

    /// <summary>Returns once nothing of the lifetime runs: ended, paused, or every awaited execution waits for input.</summary>
    [Alias("settled"), ResponseTimeout("1.00:00:00")]
    Task<LifetimeState> WhenSettledAsync();

    /// <summary>Journals a pause (nothing new is dispatched), with who and why; returns once the record is durable.</summary>
    [Alias("pause")]
    Task<LifetimeState> PauseAsync(string actor, string? reason);

    /// <summary>Journals a resume of a paused lifetime and dispatches what it held.</summary>
    [Alias("resume")]
    Task<LifetimeState> ResumeAsync(string actor, string? reason);

    /// <summary>Journals an abort: running executions are cancelled; terminal.</summary>
    [Alias("abort")]
    Task<LifetimeState> AbortAsync(string actor, string? reason);

    /// <summary>Completes a waiting execution with <paramref name="input"/>, exactly once; returns once the input is durable.</summary>
    [Alias("input")]
    Task<LifetimeState> ProvideInputAsync(string executionId, PayloadData input, string actor);
}
