namespace Agentic.Core.Guardrails;

/// <summary>The wire names of scopes and actions, as written in policy files and journal records.</summary>
public static class PolicyNames
{
    public static string Of(PolicyScope scope) => scope switch
    {
        PolicyScope.Execution => "execution",
        PolicyScope.Lifetime => "lifetime",
        _ => "tenant",
    };

    public static string Of(PolicyAction action) => action switch
    {
        PolicyAction.RejectExecution => "reject_execution",
        PolicyAction.PauseLifetime => "pause_lifetime",
        _ => "abort_lifetime",
    };

    public static bool TryParseScope(string? text, out PolicyScope scope)
    {
        (var ok, scope) = text switch
        {
            "execution" => (true, PolicyScope.Execution),
            "lifetime" => (true, PolicyScope.Lifetime),
            "tenant" => (true, PolicyScope.Tenant),
            _ => (false, PolicyScope.Execution),
        };
        return ok;
    }

    public static bool TryParseAction(string? text, out PolicyAction action)
    {
        (var ok, action) = text switch
        {
            "reject_execution" => (true, PolicyAction.RejectExecution),
            "pause_lifetime" => (true, PolicyAction.PauseLifetime),
            "abort_lifetime" => (true, PolicyAction.AbortLifetime),
            _ => (false, PolicyAction.RejectExecution),
        };
        return ok;
    }
}
