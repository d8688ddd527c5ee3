namespace Agentic.Client;

/// <summary>
/// One live event of a lifetime: <paramref name="Kind"/> is message (started), task, error (a failed or lost attempt),
/// log (a control) or done (the end); <paramref name="Record"/> says which record it stands for.
/// </summary>
public sealed record LifetimeEvent(string Kind, ExecutionRefResource Record)
{
    public bool IsDone => Kind == "done";
}
