using Agentic.Core.Execution;

namespace Agentic.Runtime.Lifetimes;

/// <summary>
/// What a lifetime runs under besides its graph: its guardrail policy source and model price file. Recorded in its
/// start record; a runtime re-activates a lifetime only under the same settings, so a resumed lifetime never runs on
/// without the guardrails or prices it started with.
/// </summary>
/// <param name="Policies">The policy source (<see cref="Guardrails.IPolicySource.Origin"/>), or null for none.</param>
/// <param name="Prices">The price file (<see cref="Core.Models.ModelPriceTable.Source"/>), or null for none.</param>
public sealed record LifetimeSettings(string? Policies, string? Prices)
{
    public static LifetimeSettings None { get; } = new(null, null);

    public static LifetimeSettings Of(LifetimeStartedEntry start)
    {
        ArgumentNullException.ThrowIfNull(start);
        return new(start.PolicySource, start.PriceSource);
    }

    public string Describe() =>
        $"policies {Policies ?? "(none)"}, prices {Prices ?? "(none)"}";
}
