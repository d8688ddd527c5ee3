namespace Agentic.Core.Validation;

public enum DiagnosticSeverity
{
    Error,
    Warning,
}
