namespace Agentic.Core.Graphs;

/// <summary>A directed edge; <see cref="When"/> is an optional guard in the expression language.</summary>
public sealed class GraphEdge
{
    /// <summary>The reserved target of final edges.</summary>
    public const string End = "end";

    public GraphEdge(string from, string to, EdgeKind kind, string? when, SourceLocation? location = null)
    {
        From = from;
        To = to;
        Kind = kind;
        When = string.IsNullOrWhiteSpace(when) ? null : when;
        Location = location;
    }

    public string From { get; }

    public string To { get; }

    public EdgeKind Kind { get; }

    public string? When { get; }

    public SourceLocation? Location { get; }

    public bool IsToEnd => To == End;

    public override string ToString() => $"{From} -> {To} ({Kind.ToString().ToLowerInvariant()}{(When is null ? "" : ", when " + When)})";
}
