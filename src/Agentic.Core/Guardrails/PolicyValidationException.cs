using Agentic.Core.Validation;

namespace Agentic.Core.Guardrails;

/// <summary>Policy files that cannot be loaded: every problem, each with file, line, column and reason.</summary>
public sealed class PolicyValidationException : Exception
{
    public PolicyValidationException(IReadOnlyList<GraphDiagnostic> diagnostics)
        : base($"policies are invalid ({diagnostics.Count} error(s)):{Environment.NewLine}" + string.Join(Environment.NewLine, diagnostics.Select(d => "  " + d)))
    {
        Diagnostics = diagnostics;
    }

    public PolicyValidationException()
        : this([])
    {
    }

    public PolicyValidationException(string message)
        : base(message)
    {
        Diagnostics = [];
    }

    public PolicyValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Diagnostics = [];
    }

    public IReadOnlyList<GraphDiagnostic> Diagnostics { get; }
}
