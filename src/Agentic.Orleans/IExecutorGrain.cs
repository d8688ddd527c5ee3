namespace Agentic.Orleans;

/// <summary>
/// Runs node executions for the lifetimes of its silo (a stateless worker: always activated where it is called). The
/// execution itself stays on the silo and is named by a ticket; see <see cref="ExecutorGrain"/>.
/// </summary>
[Alias("agentic.IExecutorGrain")]
public interface IExecutorGrain : IGrainWithIntegerKey
{
    /// <summary>Starts the execution held under <paramref name="ticket"/>; returns once it has started, not when it ends.</summary>
    [Alias("execute")]
    Task ExecuteAsync(long ticket);
}
