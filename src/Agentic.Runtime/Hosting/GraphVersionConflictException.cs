namespace Agentic.Runtime.Hosting;

/// <summary>A graph's content changed without a version bump, while lifetimes are pinned to the old content.</summary>
public sealed class GraphVersionConflictException : InvalidOperationException
{
    public GraphVersionConflictException()
    {
    }

    public GraphVersionConflictException(string message)
        : base(message)
    {
    }

    public GraphVersionConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
