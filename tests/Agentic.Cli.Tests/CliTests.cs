using System.Text.Json;

namespace Agentic.Cli.Tests;

public sealed class CliTests() : CliFolder("agentic-cli-")
{
    [Fact]
    public async Task RunWithPolicies_PausesAtTheLoopCap_AndPolicyValidateNamesEveryProblem()
    {
        var (code, output, _) = await Run("run", Sample("hello"), "--db", Db, "--policies", Path.Combine(RepoPaths.Root, "samples", "policies"), "--output", "json");
        Assert.Equal(3, code); // parked: paused by the loop cap
        using (var json = System.Text.Json.JsonDocument.Parse(output))
        {
            Assert.Equal(("paused", 6), (json.RootElement.GetProperty("status").GetString(), json.RootElement.GetProperty("iterations").GetInt32()));
        }

        var bad = Path.Combine(Folder, "bad.yaml");
        await File.WriteAllTextAsync(bad, "policies:\n  - { name: x, scope: lifetime, when: \"max(iter) > 1\", action: stop }\n");
        var (badCode, _, err) = await Run("policy", "validate", bad);
        Assert.Equal(2, badCode);
        Assert.Contains("bad.yaml:2:64: error AP006: action 'stop' is not one of reject_execution, pause_lifetime, abort_lifetime", err, StringComparison.Ordinal);
        Assert.Contains("bad.yaml:2:44: error AP009: policy 'x': invalid condition: unknown field 'iter' in max()", err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunHello_Json_PrintsCompletedWithCount10()
    {
        var (code, output, _) = await Run("run", Sample("hello"), "--db", Db, "--output", "json");

        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("completed", root.GetProperty("status").GetString());
        Assert.Equal(10, root.GetProperty("result").GetProperty("count").GetInt32());
        Assert.Equal("hello", root.GetProperty("graph").GetString());
        Assert.Equal("1.0.0", root.GetProperty("version").GetString());
        Assert.Equal(20, root.GetProperty("executions").GetInt32());
        Assert.Equal(10, root.GetProperty("iterations").GetInt32());
        Assert.True(root.GetProperty("duration_ms").GetDouble() > 0);
        Assert.Matches("^[0-9a-hjkmnp-tv-z]{26}$", root.GetProperty("lifetime_id").GetString());
    }

    [Fact]
    public async Task RunCodingAgent_Completes_AndItsJournalReadsBack()
    {
        var (code, output, _) = await Run("run", Path.Combine(RepoPaths.Root, "samples", "coding-agent"), "--db", Db, "--output", "json", "--input", """{"user":"ada"}""");
        Assert.Equal(0, code);
        using var run = JsonDocument.Parse(output);
        Assert.Equal("completed", run.RootElement.GetProperty("status").GetString());
        var result = run.RootElement.GetProperty("result");
        Assert.True(result.GetProperty("accepted").GetBoolean());
        Assert.Equal([1, 2], result.GetProperty("input").EnumerateArray().Select(b => b.GetProperty("branch").GetInt32()));
        Assert.All(result.GetProperty("input").EnumerateArray(), b => Assert.Equal("ada", b.GetProperty("user").GetString()));

        var id = run.RootElement.GetProperty("lifetime_id").GetString()!;
        var (jcode, journal, _) = await Run("journal", id, "--db", Db, "--output", "json");
        Assert.Equal(0, jcode);
        using var records = JsonDocument.Parse(journal);
        var list = records.RootElement.EnumerateArray().ToList();
        Assert.Equal(Enumerable.Range(1, list.Count), list.Select(r => r.GetProperty("sequence").GetInt32()));
        Assert.Equal("lifetime_started", list[0].GetProperty("type").GetString());
        Assert.Equal("lifetime_ended", list[^1].GetProperty("type").GetString());
        Assert.Contains(list, r => r.GetProperty("type").GetString() == "plan_execution" && r.GetProperty("next_task_names").GetArrayLength() == 2);
        var collect = list.Single(r => r.TryGetProperty("node", out var n) && n.GetString() == "plan_collect");
        Assert.Equal(2, collect.GetProperty("parent_ids").GetArrayLength());
    }

    [Fact]
    public async Task CodingAgent_IsStoppedByATenantBudget_TheDecisionIsInItsJournal_AndUsageAddsUp()
    {
        var policies = Path.Combine(Folder, "tenant.yaml");
        await File.WriteAllTextAsync(policies, "policies:\n  - { name: acme-tokens, scope: tenant, window: 24h, when: \"sum(tokens_used) > 300\", action: abort_lifetime }\n");
        var prices = Path.Combine(RepoPaths.Root, "samples", "prices.yaml");
        string[] RunAgent() => ["run", Path.Combine(RepoPaths.Root, "samples", "coding-agent"), "--db", Db, "--policies", policies, "--prices", prices, "--tenant", "acme", "--output", "json"];

        // The first run spends 277 echo tokens (llm_submit twice, llm_validate three times) and completes.
        var (code, output, _) = await Run(RunAgent());
        Assert.Equal(0, code);
        using (var first = JsonDocument.Parse(output))
        {
            Assert.Equal(("completed", 277L), (first.RootElement.GetProperty("status").GetString(), first.RootElement.GetProperty("tokens_used").GetInt64()));
            Assert.Equal((151 * 2.50 + 126 * 10.00) / 1_000_000, first.RootElement.GetProperty("cost_usd").GetDouble(), 12);
        }

        // The second run's first llm_submit (50 tokens) takes the tenant to 327: aborted, with the decision in that record.
        (code, output, _) = await Run(RunAgent());
        Assert.Equal(1, code);
        using var second = JsonDocument.Parse(output);
        Assert.Equal("aborted", second.RootElement.GetProperty("status").GetString());
        Assert.StartsWith("aborted by policy 'acme-tokens' (tenant, abort_lifetime): sum(tokens_used) = 327 against threshold 300", second.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var (_, journal, _) = await Run("journal", second.RootElement.GetProperty("lifetime_id").GetString()!, "--db", Db, "--output", "json");
        using var records = JsonDocument.Parse(journal);
        var decided = records.RootElement.EnumerateArray().Single(r => r.TryGetProperty("policy_decision", out _));
        Assert.Equal(("llm_submit", "echo-small", 50L), (decided.GetProperty("node").GetString(), decided.GetProperty("model").GetString(), decided.GetProperty("tokens_used").GetInt64()));
        var decision = decided.GetProperty("policy_decision");
        Assert.Equal(("acme-tokens", "tenant", "abort_lifetime", "sum(tokens_used)", 327d, 300d), (decision.GetProperty("policy").GetString(), decision.GetProperty("scope").GetString(), decision.GetProperty("action").GetString(), decision.GetProperty("subject").GetString(), decision.GetProperty("measured").GetDouble(), decision.GetProperty("threshold").GetDouble()));

        // The budget is spent: the third run starts nothing; a control record carries the decision.
        (code, output, _) = await Run(RunAgent());
        Assert.Equal(1, code);
        using var third = JsonDocument.Parse(output);
        Assert.Equal((0L, "aborted"), (third.RootElement.GetProperty("tokens_used").GetInt64(), third.RootElement.GetProperty("status").GetString()));
        (_, journal, _) = await Run("journal", third.RootElement.GetProperty("lifetime_id").GetString()!, "--db", Db, "--output", "json");
        using var refused = JsonDocument.Parse(journal);
        var control = refused.RootElement.EnumerateArray().Single(r => r.GetProperty("type").GetString() == "lifetime_controlled");
        Assert.Equal(("abort", "policy:acme-tokens", "acme-tokens"), (control.GetProperty("action").GetString(), control.GetProperty("actor").GetString(), control.GetProperty("policy_decision").GetProperty("policy").GetString()));
        Assert.DoesNotContain(refused.RootElement.EnumerateArray(), r => r.GetProperty("type").GetString() == "task_execution" && r.GetProperty("status").GetString() != "cancelled");

        // Usage by node and model adds up to what the journal and the tenant's ledger hold.
        var (ucode, usage, _) = await Run("usage", "--tenant", "acme", "--db", Db, "--output", "json");
        Assert.Equal(0, ucode);
        using var report = JsonDocument.Parse(usage);
        Assert.Equal((3, 327L), (report.RootElement.GetProperty("lifetimes").GetInt32(), report.RootElement.GetProperty("tokens_used").GetInt64()));
        Assert.Equal(327d, report.RootElement.GetProperty("tenant_ledger").GetProperty("tokens_used").GetDouble());
        var byNode = report.RootElement.GetProperty("by_node_and_model").EnumerateArray().ToDictionary(l => l.GetProperty("node").GetString()!, l => l.GetProperty("tokens_used").GetInt64());
        Assert.Equal(150L, byNode["llm_submit"]);
        Assert.Equal(177L, byNode["llm_validate_1"] + byNode["llm_validate_2"]);
    }

    [Fact]
    public async Task RunText_ShowsEachExecutionAndASummary()
    {
        var (code, output, _) = await Run("run", Sample("hello"), "--in-memory");
        Assert.Equal(0, code);
        Assert.Contains("started hello 1.0.0", output, StringComparison.Ordinal);
        Assert.Contains("work             task counter    completed it 9", output, StringComparison.Ordinal);
        Assert.Contains("→ end", output, StringComparison.Ordinal);
        Assert.Contains("lifetime completed", output, StringComparison.Ordinal);
        Assert.Contains("│ iterations │ 10", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public async Task FailedLifetime_ExitsWith1_AndSaysWhy()
    {
        var graph = WriteFile("fails.yaml", """
            graph: fails
            version: 1.0.0
            nodes:
              - { name: flaky, kind: task, type: fail, config: { times: 9 }, retry: { max_attempts: 2, backoff: 1ms } }
              - { name: p, kind: plan, type: all }
            edges:
              - { from: flaky, to: p }
              - { from: p, to: end, kind: final }
            """);
        var (code, output, _) = await Run("run", graph, "--in-memory", "--output", "json");
        Assert.Equal(1, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal("failed", doc.RootElement.GetProperty("status").GetString());
        Assert.StartsWith("task 'flaky' failed after 2 attempt(s)", doc.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidGraph_ExitsWith2_NamingFileLineAndProblem()
    {
        var graph = WriteFile("bad.yaml", """
            graph: bad
            version: 1.0.0
            nodes:
              - { name: work, kind: task, type: countr }
              - { name: decide, kind: plan, type: route }
            edges:
              - { from: work, to: decide }
              - { from: decide, to: end, kind: final }
            """);
        var (code, _, error) = await Run("run", graph, "--db", Db);
        Assert.Equal(2, code);
        Assert.Contains($"{graph}:4:5: error AG112: task 'work' has unknown type 'countr'; registered task types: counter, echo, fail, human, llm, sleep", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Fact]
    public async Task AGraphWithAQueueNode_IsPointedAtAServer_NotRunEmbedded()
    {
        var graph = WriteFile("queued.yaml", """
            graph: queued
            version: 1.0.0
            nodes:
              - { name: work, kind: task, type: queue, config: { queue: q1 } }
              - { name: done, kind: plan, type: all }
            edges:
              - { from: work, to: done }
              - { from: done, to: end, kind: final }
            """);
        var (code, _, error) = await Run("run", graph, "--db", Db);
        Assert.Equal(2, code);
        Assert.Contains("task 'work' is of type queue", error, StringComparison.Ordinal);
        Assert.Contains("--server URL", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Db));
    }

    [Theory]
    [InlineData("{not json", "--input is not valid JSON")]
    [InlineData("@/no/such/file.json", "--input file '/no/such/file.json' does not exist")]
    public async Task BadInput_ExitsWith2(string input, string expected)
    {
        var (code, _, error) = await Run("run", Sample("hello"), "--in-memory", "--input", input);
        Assert.Equal(2, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InputFromFile_ReachesTheFirstTask()
    {
        var input = WriteFile("in.json", """{"count": 7}""");
        var (code, output, _) = await Run("run", Sample("hello"), "--in-memory", "--output", "json", "--input", "@" + input);
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(10, doc.RootElement.GetProperty("result").GetProperty("count").GetInt32());
        Assert.Equal(6, doc.RootElement.GetProperty("executions").GetInt32());
    }

    [Fact]
    public async Task MissingGraphFile_ExitsWith2() =>
        Assert.Equal((2, "error: graph file 'nope.yaml' does not exist"), await Run("run", "nope.yaml", "--in-memory") is var r ? (r.Code, r.Err.Trim()) : default);

    [Fact]
    public async Task Validate_ReportsValidAndInvalid()
    {
        var (ok, text, _) = await Run("validate", Sample("coding-agent"));
        Assert.Equal(0, ok);
        Assert.Contains("valid: coding-agent 1.0.0 (18 nodes, 23 edges", text, StringComparison.Ordinal);

        var bad = WriteFile("bad.dot", "digraph g {\n  a [type=task, impl=counter];\n  b [type=task, impl=counter];\n  a -> b;\n}\n");
        var (code, json, _) = await Run("validate", bad, "--output", "json");
        Assert.Equal(2, code);
        using var doc = JsonDocument.Parse(json);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        var d = doc.RootElement.GetProperty("diagnostics").EnumerateArray().First(x => x.GetProperty("code").GetString() == "AG124");
        Assert.Equal(4, d.GetProperty("line").GetInt32());
        Assert.Equal(3, d.GetProperty("column").GetInt32());
    }

    [Fact]
    public async Task GraphRender_MermaidAndDot()
    {
        var (code, mermaid, _) = await Run("graph", "render", Sample("hello"), "--format", "mermaid");
        Assert.Equal(0, code);
        Assert.StartsWith("flowchart TD", mermaid, StringComparison.Ordinal);
        Assert.Contains("n_decide -->|\"final\"| end_", mermaid, StringComparison.Ordinal);

        var (dcode, dot, _) = await Run("graph", "render", Sample("coding-agent"), "--format", "dot");
        Assert.Equal(0, dcode);
        Assert.Contains("\"plan_refine\" -> \"tool_call_1\" [kind=\"parallel\", style=bold];", dot, StringComparison.Ordinal);
        var roundTrip = WriteFile("rt.dot", dot);
        var (vcode, _, _) = await Run("validate", roundTrip);
        Assert.Equal(0, vcode);
    }

    [Fact]
    public async Task Journal_UnknownLifetimeOrDatabase_ExitsWith2()
    {
        var (code, _, error) = await Run("journal", "nope", "--db", Db);
        Assert.Equal(2, code);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);

        await Run("run", Sample("hello"), "--db", Db, "--output", "json");
        var (code2, _, error2) = await Run("journal", "nope", "--db", Db);
        Assert.Equal(2, code2);
        Assert.Contains("lifetime nope is not in the journal", error2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Journal_TextShowsEveryRecord()
    {
        var (_, run, _) = await Run("run", Sample("hello"), "--db", Db, "--output", "json");
        var id = JsonDocument.Parse(run).RootElement.GetProperty("lifetime_id").GetString()!;
        var (code, text, _) = await Run("journal", id, "--db", Db);
        Assert.Equal(0, code);
        Assert.Contains($"lifetime {id} — 22 records", text, StringComparison.Ordinal);
        Assert.Contains("lifetime completed", text, StringComparison.Ordinal);
    }
}
