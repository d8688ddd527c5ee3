using Agentic.Core.Graphs;

namespace Agentic.Core.Validation;

/// <summary>One problem found in a graph: severity, stable code, message, and where it was written.</summary>
public sealed record GraphDiagnostic(DiagnosticSeverity Severity, string Code, string Message, SourceLocation? Location)
{
    public bool IsError => Severity == DiagnosticSeverity.Error;

    public override string ToString() =>
        $"{(Location is null ? "" : Location + ": ")}{(IsError ? "error" : "warning")} {Code}: {Message}";
}
