using Agentic.Core.Expressions;

namespace Agentic.Core.Guardrails;

/// <summary>
/// What a condition is evaluated against: the execution being judged (names), and the totals of the policy's scope
/// before it (aggregates include the judged execution). Reused per evaluator: set it, evaluate, move on.
/// </summary>
public sealed class GuardrailScope : IAggregateScope
{
    private static readonly UsageTotals NoTotals = new();

    // A field, so that evaluation reads the sample in place rather than copying it on every name and aggregate.
    private UsageSample? _current;

    public UsageSample? Current
    {
        get => _current;
        set => _current = value;
    }

    public UsageTotals Totals { get; set; } = NoTotals;

    public string Tenant { get; set; } = string.Empty;

    public string Graph { get; set; } = string.Empty;

    public string LifetimeId { get; set; } = string.Empty;

    /// <summary>Sets the execution being judged and the totals it adds to (none for execution scope).</summary>
    public GuardrailScope Judge(in UsageSample? current, UsageTotals? totals)
    {
        _current = current;
        Totals = totals ?? NoTotals;
        return this;
    }

    public double Aggregate(string function, string? field) => Totals.Aggregate(function, field, in _current);

    public bool TryResolve(string name, out ExpressionValue value)
    {
        var field = UsageSample.FieldIndex(name);
        if (field >= 0)
        {
            value = _current.HasValue ? ExpressionValue.FromNumber(Nullable.GetValueRefOrDefaultRef(in _current).Field(field)) : ExpressionValue.Null;
            return true;
        }

        value = name switch
        {
            "node" => Current is { } n ? ExpressionValue.FromString(n.Node) : ExpressionValue.Null,
            "node_type" => Current is { } t ? ExpressionValue.FromString(t.NodeType) : ExpressionValue.Null,
            "tenant" => ExpressionValue.FromString(Tenant),
            "graph" => ExpressionValue.FromString(Graph),
            "lifetime_id" => ExpressionValue.FromString(LifetimeId),
            _ => default,
        };
        return name is "node" or "node_type" or "tenant" or "graph" or "lifetime_id";
    }
}
