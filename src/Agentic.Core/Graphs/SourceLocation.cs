namespace Agentic.Core.Graphs;

/// <summary>Where something was written: file, 1-based line and column. Not part of a graph's content hash.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}
