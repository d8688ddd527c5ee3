namespace Agentic.Core.Validation;

/// <summary>
/// Bounds on what the readers accept, so that no graph, policy, price table, expression or input can make the
/// process run out of memory or stack: anything past a limit is refused with its position (docs/limits.md).
/// </summary>
public static class InputLimits
{
    /// <summary>Characters in one graph, policy or price document (YAML, DOT or JSON).</summary>
    public const int MaxDocumentLength = 1 << 20;

    /// <summary>Nested mappings and sequences in a YAML document, or subgraphs in a DOT graph.</summary>
    public const int MaxNestingDepth = 64;

    /// <summary>Nodes of a YAML document once every alias is expanded (what the reader walks).</summary>
    public const int MaxYamlExpandedNodes = 100_000;

    /// <summary>Characters in one expression (edge condition, route rule, policy condition).</summary>
    public const int MaxExpressionLength = 4096;

    /// <summary>Levels of an expression: parentheses, unary operators and chained binary operators each add one.</summary>
    public const int MaxExpressionDepth = 128;

    /// <summary>Any duration (policy windows): longer ones are refused rather than overflowing.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(366);

    /// <summary>Timeouts and retry backoffs, which run as timers (whose longest due time is about 49 days).</summary>
    public static readonly TimeSpan MaxTimerDuration = TimeSpan.FromDays(24);

    /// <summary>Nesting of a JSON input or result (System.Text.Json's own default).</summary>
    public const int MaxJsonDepth = 64;
}
