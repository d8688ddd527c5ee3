using Agentic.Core.Execution;
using Agentic.Core.Guardrails;

namespace Agentic.Core.Tests.Guardrails;

public sealed class PolicyReaderTests
{
    private const string IssueExample = """
        policies:
          - name: tenant-daily-tokens
            scope: tenant            # execution | lifetime | tenant
            window: 24h              # optional, for tenant scope
            when: "sum(tokens_used) > 10000"
            action: abort_lifetime   # reject_execution | pause_lifetime | abort_lifetime
          - name: slow-step
            scope: execution
            when: "latency_ms > 30000 and node == 'llm_submit'"
            action: reject_execution
          - name: loop-cap
            scope: lifetime
            when: "max(iteration_idx) >= 25"
            action: pause_lifetime
        """;

    [Fact]
    public void TheIssuesExample_Reads_WithScopesWindowsActionsAndLocations()
    {
        var set = PolicyReader.Read(IssueExample, "global.yaml");

        Assert.Equal(
            [("tenant-daily-tokens", PolicyScope.Tenant, PolicyAction.AbortLifetime, (TimeSpan?)TimeSpan.FromHours(24), 2), ("slow-step", PolicyScope.Execution, PolicyAction.RejectExecution, null, 7), ("loop-cap", PolicyScope.Lifetime, PolicyAction.PauseLifetime, null, 11)],
            set.Policies.Select(p => (p.Name, p.Scope, p.Action, p.Window, p.Location.Line)));
        Assert.StartsWith("ps-", set.Version, StringComparison.Ordinal);
        Assert.Equal(set.Version, PolicyReader.Read(IssueExample, "global.yaml").Version);
        Assert.NotEqual(set.Version, PolicyReader.Read(IssueExample.Replace("25", "26", StringComparison.Ordinal), "global.yaml").Version);
    }

    [Theory]
    [InlineData("policies:\n  - { name: a, scope: galaxy, when: \"count() > 1\", action: abort_lifetime }", "p.yaml:2:23: error AP005: scope 'galaxy' is not one of execution, lifetime, tenant")]
    [InlineData("policies:\n  - { name: a, scope: lifetime, when: \"count() > 1\", action: explode }", "p.yaml:2:62: error AP006: action 'explode' is not one of reject_execution, pause_lifetime, abort_lifetime")]
    [InlineData("policies:\n  - { name: a, scope: lifetime, when: \"sum(tokens) > 1\", action: abort_lifetime }", "p.yaml:2:44: error AP009: policy 'a': invalid condition: unknown field 'tokens' in sum() (known: attempt, cost_usd, input_tokens, iteration_idx, latency_ms, output_tokens, tokens_used) (in \"sum(tokens) > 1\")")]
    [InlineData("policies:\n  - { name: a, scope: lifetime, when: latency_ms >, action: abort_lifetime }", "p.yaml:2:51: error AP009: policy 'a': invalid condition: unexpected end of expression (in \"latency_ms >\")")]
    [InlineData("policies:\n  - { name: a, scope: lifetime, window: 1h, when: \"count() > 1\", action: abort_lifetime }", "p.yaml:2:41: error AP008: window applies to tenant scope only; a lifetime policy counts its whole lifetime")]
    [InlineData("policies:\n  - { name: a, scope: tenant, window: soon, when: \"count() > 1\", action: abort_lifetime }", "p.yaml:2:39: error AP007: window 'soon' is not a positive duration of at most 366d (e.g. 30s, 15m, 24h, 7d)")]
    [InlineData("policies:\n  - { name: a, scope: tenant, when: \"count() > 1\", action: abort_lifetime, budget: 3 }", "p.yaml:2:76: error AP011: unknown key 'budget' in policy (allowed: name, scope, window, when, action, tenant, graph, description)")]
    [InlineData("policies:\n  - { name: a, scope: tenant, action: abort_lifetime }", "p.yaml:2:5: error AP012: missing 'when': the condition, e.g. \"sum(tokens_used) > 10000\"")]
    [InlineData("policies: [ { name: a", "p.yaml:2:1: error AP001: not valid YAML")]
    public void MalformedPolicies_AreRefused_WithFileLineColumnAndReason(string yaml, string expected)
    {
        var ex = Assert.Throws<PolicyValidationException>(() => PolicyReader.Read(yaml, "p.yaml"));
        Assert.StartsWith(expected, ex.Diagnostics[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void OneBadFile_RefusesTheWholeSet_AndDuplicateNamesAcrossFilesAreErrors()
    {
        var good = ("good.yaml", "policies:\n  - { name: cap, scope: lifetime, when: \"count() > 5\", action: pause_lifetime }");
        var bad = ("bad.yaml", "tenant: acme\npolicies:\n  - { name: cap, scope: lifetime, when: \"count() > 9\", action: pause_lifetime }\n  - { name: x, scope: nowhere, when: \"count() > 9\", action: pause_lifetime }");

        var ex = Assert.Throws<PolicyValidationException>(() => PolicyReader.Read([good, bad]));

        Assert.Equal(
            ["bad.yaml:4:23: error AP005: scope 'nowhere' is not one of execution, lifetime, tenant", "bad.yaml:3:5: error AP010: policy name 'cap' is already used at good.yaml:2:5; names must be unique (decisions name the policy)"],
            ex.Diagnostics.Select(d => d.ToString()));
    }

    [Fact]
    public void Judge_AggregatesTheScopeIncludingTheJudgedExecution_AndNamesMeasuredAndThreshold()
    {
        var set = PolicyReader.Read(IssueExample + "\n  - { name: cheap, scope: lifetime, when: \"avg(cost_usd) > 0.5 and count() >= 3\", action: reject_execution, graph: other }", "global.yaml");
        var scope = new GuardrailScope();
        var lifetime = new UsageTotals();
        lifetime.Add(Sample("plan", iteration: 23, tokens: 100));
        lifetime.Add(Sample("work", iteration: 24, tokens: 200));

        // Iteration 25 crosses loop-cap (max(iteration_idx) >= 25), tenant totals are below budget.
        var tenant = new UsageTotals();
        tenant.Add(Sample("x", 0, tokens: 9000));
        var decision = set.Judge(set.For("acme", "coding-agent"), scope, Sample("work", iteration: 25, tokens: 300), lifetime, _ => tenant);
        Assert.Equal(new PolicyDecision("loop-cap", PolicyScope.Lifetime, PolicyAction.PauseLifetime, "max(iteration_idx)", 25, 25, set.Version), decision);

        // The tenant budget is the more severe action when both hold: 9000 + 1200 > 10000.
        decision = set.Judge(set.For("acme", "coding-agent"), scope, Sample("work", iteration: 25, tokens: 1200), lifetime, _ => tenant);
        Assert.Equal(("tenant-daily-tokens", PolicyAction.AbortLifetime, 10200d, 10000d), (decision!.Policy, decision.Action, decision.Measured, decision.Threshold));
        Assert.Equal($"policy 'tenant-daily-tokens' (tenant, abort_lifetime): sum(tokens_used) = 10200 against threshold 10000 (policy set {set.Version})", decision.Describe());

        // An execution-scope policy looks at the execution alone; a graph-limited policy only at its graph.
        var slow = Sample("llm_submit", 0, tokens: 1) with { Telemetry = new ExecutionTelemetry(1, 0, 0, 31_000) };
        Assert.Equal(("slow-step", "latency_ms", 31000d, 30000d), Summary(set.Judge(set.For("acme", "coding-agent"), scope, slow, new UsageTotals(), null)));
        Assert.Null(set.Judge(set.For("acme", "coding-agent"), scope, Sample("llm_review", 0, tokens: 1) with { Telemetry = new ExecutionTelemetry(1, 0, 0, 31_000) }, new UsageTotals(), null));
        var pricey = new UsageTotals();
        pricey.Add(Sample("a", 0, 1, cost: 0.9));
        pricey.Add(Sample("a", 0, 1, cost: 0.6));
        Assert.Null(set.Judge(set.For("acme", "coding-agent"), scope, Sample("a", 0, 1, cost: 0.3), pricey, null));
        Assert.Equal(("cheap", "avg(cost_usd)", 0.6, 0.5), Summary(set.Judge(set.For("acme", "other"), scope, Sample("a", 0, 1, cost: 0.3), pricey, null), 6));
    }

    [Theory]
    [InlineData("sum(tokens_used) > 10000", true)]
    [InlineData("count() >= 3 or avg(cost_usd) > 0.5 and not (max(latency_ms) < 10)", true)]
    [InlineData("abs(min(iteration_idx) - 2) < 1", true)]
    [InlineData("latency_ms > 30000", false)]
    [InlineData("sum(tokens_used) > 10 and node == 'x'", false)]
    [InlineData("len(graph) > 0 or count() > 1", false)]
    public void ReadsOnlyTotals_HoldsForConditionsOverAggregatesAlone_WhichJudgeAnExecutionAsTheTotalsAfterIt(string when, bool totalsOnly)
    {
        var condition = PolicyCondition.Parse(when);
        Assert.Equal(totalsOnly, condition.ReadsOnlyTotals);
        if (!totalsOnly)
        {
            return;
        }

        // What the tenant's ledger relies on to skip re-judging its standing: with the execution vs. after adding it.
        var totals = new UsageTotals();
        var scope = new GuardrailScope { Tenant = "acme", Graph = "g", LifetimeId = "l" };
        foreach (var sample in new[] { Sample("a", 0, 4000, 0.2), Sample("b", 3, 7000, 0.9), Sample("c", 1, 1, 0.4), Sample("d", 2, 9, 0.7) })
        {
            var judged = condition.Holds(scope.Judge(sample, totals));
            var measured = condition.Measure(scope);
            totals.Add(sample);
            var after = new GuardrailScope().Judge(null, totals);
            Assert.Equal((judged, measured), (condition.Holds(after), condition.Measure(after)));
        }
    }

    [Fact]
    public void ATenantsOwnFile_AppliesToThatTenantOnly_UnderQualifiedNames_AndMayNotNameAnother()
    {
        var set = PolicyReader.ReadTenant("acme", "graph: g\npolicies:\n  - { name: cap, scope: lifetime, when: \"count() > 3\", action: pause_lifetime }\n  - { name: mine, tenant: acme, scope: execution, when: \"tokens_used > 9\", action: reject_execution }\n");
        Assert.Equal([("acme/cap", "acme", "g"), ("acme/mine", "acme", "g")], set.Policies.Select(p => (p.Name, p.Tenant!, p.Graph!)));
        Assert.True(set.Policies[0].AppliesTo("acme", "g"));
        Assert.False(set.Policies[0].AppliesTo("globex", "g"));
        Assert.NotEqual(set.Version, PolicyReader.ReadTenant("globex", "graph: g\npolicies:\n  - { name: cap, scope: lifetime, when: \"count() > 3\", action: pause_lifetime }\n  - { name: mine, scope: execution, when: \"tokens_used > 9\", action: reject_execution }\n").Version);

        var file = Assert.Throws<PolicyValidationException>(() => PolicyReader.ReadTenant("acme", "tenant: globex\npolicies:\n  - { name: cap, scope: lifetime, when: \"count() > 3\", action: pause_lifetime }\n"));
        Assert.Equal("acme.yaml:1:9: error AP014: the file names tenant 'globex': a tenant's own policies apply to that tenant only (leave 'tenant' out)", Assert.Single(file.Diagnostics).ToString());
        var policy = Assert.Throws<PolicyValidationException>(() => PolicyReader.ReadTenant("acme", "policies:\n  - { name: cap, tenant: globex, scope: lifetime, when: \"count() > 3\", action: pause_lifetime }\n"));
        Assert.Contains("AP014: policy 'cap' names tenant 'globex'", Assert.Single(policy.Diagnostics).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Combining_PutsTheOperatorsPoliciesFirst_AndNamesEveryPartInTheVersion()
    {
        var operatorSet = PolicyReader.Read("policies:\n  - { name: cap, scope: lifetime, when: \"count() > 3\", action: pause_lifetime }\n", "op.yaml");
        Assert.Same(operatorSet, PolicySet.Combine(operatorSet, []));
        var acme = PolicyReader.ReadTenant("acme", "policies:\n  - { name: cap, scope: lifetime, when: \"count() > 1\", action: abort_lifetime }\n");
        var globex = PolicyReader.ReadTenant("globex", "policies:\n  - { name: cap, scope: lifetime, when: \"count() > 2\", action: abort_lifetime }\n");
        var combined = PolicySet.Combine(operatorSet, [acme, globex]);
        Assert.Equal(["cap", "acme/cap", "globex/cap"], combined.Policies.Select(p => p.Name));
        Assert.Equal(["cap", "acme/cap"], combined.For("acme", "any").Select(p => p.Name));
        Assert.Equal(combined.Version, PolicySet.Combine(operatorSet, [globex, acme]).Version);
        Assert.NotEqual(combined.Version, PolicySet.Combine(operatorSet, [acme]).Version);
    }

    private static (string, string, double, double) Summary(PolicyDecision? d, int digits = 3) => (d!.Policy, d.Subject, Math.Round(d.Measured, digits), d.Threshold);

    private static UsageSample Sample(string node, int iteration, long tokens, double cost = 0) =>
        new(node, "llm", 1, iteration, new ExecutionTelemetry(tokens, 0, cost, 1));
}
