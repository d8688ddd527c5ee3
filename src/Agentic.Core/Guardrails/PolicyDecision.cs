using System.Globalization;

namespace Agentic.Core.Guardrails;

/// <summary>
/// A guardrail's verdict, journaled with the step it judged: which policy (and policy set version), its scope and
/// action, and the measured value against the threshold. Replay applies it as recorded.
/// </summary>
public sealed record PolicyDecision(string Policy, PolicyScope Scope, PolicyAction Action, string Subject, double Measured, double Threshold, string PolicySetVersion)
{
    /// <summary>A decision that measures nothing (NaN), such as a refusal because a tenant's ledger cannot be read, reads as its subject alone.</summary>
    public string Describe() => double.IsNaN(Measured)
        ? $"policy '{Policy}' ({PolicyNames.Of(Scope)}, {PolicyNames.Of(Action)}): {Subject} (policy set {PolicySetVersion})"
        : string.Create(
            CultureInfo.InvariantCulture,
            $"policy '{Policy}' ({PolicyNames.Of(Scope)}, {PolicyNames.Of(Action)}): {Subject} = {Measured:0.######} against threshold {Threshold:0.######} (policy set {PolicySetVersion})");

    public override string ToString() => Describe();
}
