using System.Runtime.CompilerServices;
using System.Text.Json;
using Agentic.Core.Expressions;
using Agentic.Core.Graphs;

namespace Agentic.Runtime.Nodes.BuiltIn;

/// <summary>
/// <c>route</c>: <c>config.rules</c> is a list of <c>{ when: EXPR, to: [targets] }</c> tried in order; the first rule
/// whose condition holds decides. Otherwise <c>config.otherwise</c> (a list of targets; absent = end this branch).
/// Rules are parsed once per node and checked against the plan's outgoing edges when the graph is validated.
/// </summary>
public sealed class RoutePlan : IPlanHandler, INodeConfigValidator
{
    private static readonly ConditionalWeakTable<GraphNode, CompiledRoutes> Compiled = new();

    public ValueTask<PlanDecision> DecideAsync(PlanContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var routes = Compiled.GetValue(context.Node, static n => CompiledRoutes.Compile(n.Config));
        var scope = new PlanScope(context);
        foreach (var (when, to) in routes.Rules)
        {
            if (when.IsSatisfied(scope))
            {
                return ValueTask.FromResult(new PlanDecision(to));
            }
        }

        return ValueTask.FromResult(new PlanDecision(routes.Otherwise));
    }

    public IEnumerable<string> Validate(GraphNode node, AgentGraph graph)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(graph);
        CompiledRoutes routes;
        try
        {
            routes = CompiledRoutes.Compile(node.Config);
        }
        catch (InvalidOperationException ex)
        {
            return [ex.Message];
        }

        var allowed = graph.OutEdges(node.Name).Select(e => e.To).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        for (var i = 0; i < routes.Rules.Count; i++)
        {
            problems.AddRange(routes.Rules[i].To.Where(t => !allowed.Contains(t))
                .Select(t => $"config.rules[{i}].to names '{t}', which is not one of the plan's outgoing edges (allowed: {string.Join(", ", allowed.Order(StringComparer.Ordinal))})"));
        }

        problems.AddRange(routes.Otherwise.Where(t => !allowed.Contains(t))
            .Select(t => $"config.otherwise names '{t}', which is not one of the plan's outgoing edges (allowed: {string.Join(", ", allowed.Order(StringComparer.Ordinal))})"));
        return problems;
    }

    private sealed record CompiledRoutes(IReadOnlyList<(Expression When, string[] To)> Rules, string[] Otherwise)
    {
        public static CompiledRoutes Compile(JsonElement config)
        {
            var rules = new List<(Expression, string[])>();
            if (config.TryGetProperty("rules", out var list))
            {
                if (list.ValueKind != JsonValueKind.Array)
                {
                    throw new InvalidOperationException("config.rules must be a list of { when, to } entries");
                }

                var i = 0;
                foreach (var rule in list.EnumerateArray())
                {
                    if (rule.ValueKind != JsonValueKind.Object || !rule.TryGetProperty("when", out var when) || when.ValueKind != JsonValueKind.String)
                    {
                        throw new InvalidOperationException($"config.rules[{i}] needs 'when' (a condition) and 'to' (a list of targets)");
                    }

                    Expression condition;
                    try
                    {
                        condition = Expression.Parse(when.GetString()!);
                    }
                    catch (ExpressionException ex)
                    {
                        throw new InvalidOperationException($"config.rules[{i}].when: {ex.Message}", ex);
                    }

                    rules.Add((condition, Targets(rule, "to", $"config.rules[{i}].to") ?? throw new InvalidOperationException($"config.rules[{i}] needs 'to' (a list of targets)")));
                    i++;
                }
            }

            return new CompiledRoutes(rules, Targets(config, "otherwise", "config.otherwise") ?? []);
        }

        private static string[]? Targets(JsonElement owner, string field, string path)
        {
            if (!owner.TryGetProperty(field, out var v))
            {
                return null;
            }

            return v.ValueKind switch
            {
                JsonValueKind.String => [v.GetString()!],
                JsonValueKind.Array when v.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) => v.EnumerateArray().Select(x => x.GetString()!).ToArray(),
                _ => throw new InvalidOperationException($"{path} must be a target name or a list of target names"),
            };
        }
    }
}
