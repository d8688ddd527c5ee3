namespace Agentic.Runtime.Workers;

/// <summary>
/// Where an admitted execution goes to run: the host's executor (on a silo, a call to an executor grain). It must run
/// <paramref name="run"/> exactly once, or <see cref="NodeRun.Refuse"/> it if it cannot, so that its lifetime hears back.
/// </summary>
internal interface IExecutionDispatcher
{
    void Dispatch(NodeRun run);
}
