using Agentic.Core.Expressions;
using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agentic.Core.Guardrails;

/// <summary>
/// Reads YAML policy files (docs/policies.md). A file may limit all its policies to one <c>tenant</c> and/or
/// <c>graph</c>. Every problem in every file is reported with file, line and column, and one bad file refuses the
/// whole set: a bad file never disables the good ones silently.
/// </summary>
public sealed class PolicyReader
{
    private static readonly string[] FileKeys = ["tenant", "graph", "policies", "description"];
    private static readonly string[] PolicyKeys = ["name", "scope", "window", "when", "action", "tenant", "graph", "description"];

    private readonly List<GraphDiagnostic> _diagnostics = [];
    private readonly List<GuardrailPolicy> _policies = [];
    private string _file = string.Empty;

    // Set when reading one tenant's own policies: every policy applies to this tenant only.
    private string? _onlyTenant;

    private PolicyReader()
    {
    }

    /// <summary>Reads every source into one set; throws <see cref="PolicyValidationException"/> listing every problem.</summary>
    public static PolicySet Read(IReadOnlyList<(string File, string Text)> sources) => Read(sources, null);

    public static PolicySet Read(string text, string file) => Read([(file, text)]);

    /// <summary>
    /// Reads a tenant's own policy file (uploaded through the server): every policy applies to <paramref name="tenant"/>
    /// only, and is named <c>TENANT/NAME</c> in the set (and in the decisions it makes), so that tenants' names never
    /// clash with each other's or the operator's. A file or policy naming another tenant is refused (AP014).
    /// </summary>
    public static PolicySet ReadTenant(string tenant, string text)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenant);
        ArgumentNullException.ThrowIfNull(text);
        return Read([(TenantFile(tenant), text)], tenant);
    }

    /// <summary>The file name a tenant's own policies are read (and their problems reported) under.</summary>
    public static string TenantFile(string tenant) => $"{tenant}.yaml";

    private static PolicySet Read(IReadOnlyList<(string File, string Text)> sources, string? onlyTenant)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var reader = new PolicyReader { _onlyTenant = onlyTenant };
        foreach (var (file, text) in sources)
        {
            reader._file = file;
            reader.ReadFile(text);
        }

        var seen = new Dictionary<string, GuardrailPolicy>(StringComparer.Ordinal);
        foreach (var policy in reader._policies)
        {
            if (!seen.TryAdd(policy.Name, policy))
            {
                reader._diagnostics.Add(new GraphDiagnostic(DiagnosticSeverity.Error, "AP010", $"policy name '{policy.Name}' is already used at {seen[policy.Name].Location}; names must be unique (decisions name the policy)", policy.Location));
            }
        }

        if (reader._diagnostics.Count > 0)
        {
            throw new PolicyValidationException(reader._diagnostics);
        }

        return new PolicySet(reader._policies, PolicySet.VersionOf(sources));
    }

    private void ReadFile(string text)
    {
        YamlStream stream;
        try
        {
            stream = YamlDocuments.Load(text);
        }
        catch (YamlException ex)
        {
            Error("AP001", $"not valid YAML: {ex.InnerException?.Message ?? StripMark(ex.Message)}", ex.Start);
            return;
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error("AP002", "a policy file must be a YAML mapping with a 'policies' list", stream.Documents.Count > 0 ? stream.Documents[0].RootNode.Start : Mark.Empty);
            return;
        }

        CheckKeys(root, FileKeys, "policy file");
        var fileTenant = OptionalString(root, "tenant");
        CheckOwnTenant(fileTenant, root, "the file");
        var fileGraph = OptionalString(root, "graph");
        if (Child(root, "policies") is not YamlSequenceNode list)
        {
            Error("AP003", "missing 'policies': a list of { name, scope, when, action } entries", Child(root, "policies")?.Start ?? root.Start);
            return;
        }

        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode map)
            {
                Error("AP004", "each policy must be a mapping with name, scope, when and action", item.Start);
                continue;
            }

            ReadPolicy(map, fileTenant, fileGraph);
        }
    }

    private void ReadPolicy(YamlMappingNode map, string? fileTenant, string? fileGraph)
    {
        CheckKeys(map, PolicyKeys, "policy");
        var errors = _diagnostics.Count;
        var name = RequiredString(map, "name", "the policy's name (decisions name it)");
        var scopeText = RequiredString(map, "scope", "execution, lifetime or tenant");
        var actionText = RequiredString(map, "action", "reject_execution, pause_lifetime or abort_lifetime");
        var whenText = RequiredString(map, "when", "the condition, e.g. \"sum(tokens_used) > 10000\"");
        PolicyScope scope = default;
        if (scopeText is not null && !PolicyNames.TryParseScope(scopeText, out scope))
        {
            Error("AP005", $"scope '{scopeText}' is not one of execution, lifetime, tenant", Child(map, "scope")!.Start);
        }

        PolicyAction action = default;
        if (actionText is not null && !PolicyNames.TryParseAction(actionText, out action))
        {
            Error("AP006", $"action '{actionText}' is not one of reject_execution, pause_lifetime, abort_lifetime", Child(map, "action")!.Start);
        }

        TimeSpan? window = null;
        if (Child(map, "window") is { } windowNode)
        {
            var text = (windowNode as YamlScalarNode)?.Value;
            if (text is null || !DurationText.TryParse(text, out var w) || w <= TimeSpan.Zero)
            {
                Error("AP007", $"window '{text}' is not a positive duration of at most {InputLimits.MaxDuration.TotalDays:0}d (e.g. 30s, 15m, 24h, 7d)", windowNode.Start);
            }
            else if (scopeText is not null && scope != PolicyScope.Tenant)
            {
                Error("AP008", $"window applies to tenant scope only; a {scopeText} policy counts its whole {scopeText}", windowNode.Start);
            }
            else
            {
                window = w;
            }
        }

        PolicyCondition? condition = null;
        if (whenText is not null)
        {
            var node = (YamlScalarNode)Child(map, "when")!;
            try
            {
                condition = PolicyCondition.Parse(whenText);
            }
            catch (ExpressionException ex)
            {
                // Point at the character: a plain scalar starts at its mark, a quoted one a character later.
                var offset = node.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted ? 1 : 0;
                var at = node.Start.Line == node.End.Line ? (int)node.Start.Column + offset + ex.Position : (int)node.Start.Column;
                _diagnostics.Add(new GraphDiagnostic(DiagnosticSeverity.Error, "AP009", $"policy '{name}': invalid condition: {ex.Reason} (in \"{(whenText.Length <= 120 ? whenText : string.Concat(whenText.AsSpan(0, 119), "…"))}\")", new SourceLocation(_file, (int)node.Start.Line, at)));
            }
        }

        if (_diagnostics.Count > errors || name is null || condition is null)
        {
            return;
        }

        var tenant = OptionalString(map, "tenant");
        if (!CheckOwnTenant(tenant, map, $"policy '{name}'"))
        {
            return;
        }

        _policies.Add(_onlyTenant is null
            ? new GuardrailPolicy(name, scope, action, condition, window, tenant ?? fileTenant, OptionalString(map, "graph") ?? fileGraph, Location(map.Start))
            : new GuardrailPolicy($"{_onlyTenant}/{name}", scope, action, condition, window, _onlyTenant, OptionalString(map, "graph") ?? fileGraph, Location(map.Start)));
    }

    private bool CheckOwnTenant(string? tenant, YamlMappingNode map, string what)
    {
        if (_onlyTenant is null || tenant is null || string.Equals(tenant, _onlyTenant, StringComparison.Ordinal))
        {
            return true;
        }

        Error("AP014", $"{what} names tenant '{tenant}': a tenant's own policies apply to that tenant only (leave 'tenant' out)", Child(map, "tenant")!.Start);
        return false;
    }

    private void CheckKeys(YamlMappingNode map, string[] allowed, string what)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value;
            if (name is null || !allowed.Contains(name, StringComparer.Ordinal))
            {
                Error("AP011", $"unknown key '{name}' in {what} (allowed: {string.Join(", ", allowed)})", key.Start);
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) => YamlNodes.Child(map, key);

    private string? RequiredString(YamlMappingNode map, string key, string description)
    {
        var node = Child(map, key);
        if (node is null)
        {
            Error("AP012", $"missing '{key}': {description}", map.Start);
            return null;
        }

        if (node is not YamlScalarNode { Value: { Length: > 0 } value } || string.IsNullOrWhiteSpace(value))
        {
            Error("AP013", $"'{key}' must be a non-empty string: {description}", node.Start);
            return null;
        }

        return value;
    }

    private string? OptionalString(YamlMappingNode map, string key)
    {
        var node = Child(map, key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { Length: > 0 } value } && !string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        Error("AP013", $"'{key}' must be a non-empty string", node.Start);
        return null;
    }

    private SourceLocation Location(Mark mark) => new(_file, (int)mark.Line, (int)mark.Column);

    private void Error(string code, string message, Mark mark) =>
        _diagnostics.Add(new GraphDiagnostic(DiagnosticSeverity.Error, code, message, Location(mark)));

    private static string StripMark(string message) => YamlNodes.StripMark(message);
}
