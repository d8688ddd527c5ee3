namespace Agentic.Core.Validation;

/// <summary>Thrown when a graph cannot be read or is invalid; carries every diagnostic found, not just the first.</summary>
public sealed class GraphValidationException : Exception
{
    public GraphValidationException(IReadOnlyList<GraphDiagnostic> diagnostics)
        : base(Format(diagnostics))
    {
        Diagnostics = diagnostics;
    }

    public GraphValidationException()
        : this([])
    {
    }

    public GraphValidationException(string message)
        : base(message)
    {
        Diagnostics = [];
    }

    public GraphValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [];
    }

    public IReadOnlyList<GraphDiagnostic> Diagnostics { get; }

    private static string Format(IReadOnlyList<GraphDiagnostic> diagnostics)
    {
        var errors = diagnostics.Count(d => d.IsError);
        return $"graph is invalid ({errors} error(s)):{Environment.NewLine}" + string.Join(Environment.NewLine, diagnostics.Select(d => "  " + d));
    }
}
