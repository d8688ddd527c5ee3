using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Core.Guardrails;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Lifetimes;
using Microsoft.Extensions.DependencyInjection;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Guardrails;

public sealed class GuardrailEnforcementTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-policies-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // spend (100 tokens a step) loops through decide until the count reaches 6.
    private static AgentGraph Loop(string tokens = "100", int attempts = 1, string version = "1.0.0") => GraphReader.Parse($$"""
        graph: spend-loop
        version: {{version}}
        nodes:
          - { name: spend,  kind: task, type: spend, config: { tokens: {{tokens}}, usd: 0.25 }, retry: { max_attempts: {{attempts}}, backoff: 1ms } }
          - { name: decide, kind: plan, type: route, config: { rules: [ { when: "result.count >= 6", to: [end] } ], otherwise: [spend] } }
        edges:
          - { from: spend, to: decide }
          - { from: decide, to: spend }
          - { from: decide, to: end, kind: final }
        """, "spend-loop.yaml");

    private static PolicySet Policies(string yaml) => PolicyReader.Read(yaml, "policies.yaml");

    [Fact]
    public async Task RejectExecution_RecordsTheExecutionAsRejected_RetriesIt_AndFailsTheLifetimeWhenNoAttemptRemains()
    {
        var set = Policies("policies:\n  - { name: big-step, scope: execution, when: \"tokens_used > 300 and node == 'spend'\", action: reject_execution }");
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddPolicies(set));

        // Attempt 1 spends 500 (rejected), attempt 2 spends 50 (accepted): the lifetime goes on.
        var (ok, journal) = await t.RunAsync(Loop("[500, 50]", attempts: 2));
        Assert.Equal(ExecutionPhase.Completed, ok.Phase);
        var rejected = journal.OfType<ExecutionEntry>().First(e => e.Decision is not null);
        Assert.Equal((ExecutionPhase.Failed, 1), (rejected.Phase, rejected.Attempt));
        Assert.Equal(new PolicyDecision("big-step", PolicyScope.Execution, PolicyAction.RejectExecution, "tokens_used", 500, 300, set.Version), rejected.Decision);
        Assert.Equal($"rejected by policy 'big-step' (execution, reject_execution): tokens_used = 500 against threshold 300 (policy set {set.Version})", rejected.Error);
        Assert.All(journal.OfType<ExecutionEntry>(), e => Assert.Equal(set.Version, e.PolicySetVersion));
        Assert.True(JournalReplay.Replay(journal).Identical);

        // Every attempt over the limit: the node fails after its attempts and so does the lifetime.
        var (failed, _) = await t.RunAsync(Loop("500", attempts: 2, version: "1.0.1"));
        Assert.Equal(ExecutionPhase.Failed, failed.Phase);
        Assert.StartsWith("task 'spend' failed after 2 attempt(s): rejected by policy 'big-step'", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PauseLifetime_HoldsWhatFollows_UntilAnOperatorResumes_AndARaisedBudgetLetsItFinish()
    {
        var file = Path.Combine(_dir, "loop.yaml");
        await File.WriteAllTextAsync(file, "policies:\n  - { name: loop-cap, scope: lifetime, when: \"max(iteration_idx) >= 2\", action: pause_lifetime }");
        var source = new PolicyFileSource(file);
        await using var t = await TestRuntime.StartAsync(nodes: b => b.Services.AddSingleton<IPolicySource>(source));
        var handle = t.Runtime.Start(Loop(), new StartLifetimeOptions { Input = Payload.FromJson("""{"count":0}""") });

        var paused = await t.Runtime.WhenSettledAsync(handle.LifetimeId);
        Assert.Equal(ExecutionPhase.Paused, paused.Phase);
        var journal = await t.Runtime.Journal.ReadAsync(handle.LifetimeId, 1, default).ToListAsync();
        var decided = journal.OfType<ExecutionEntry>().Single(e => e.Decision is not null);
        Assert.Equal(("spend", 2, "max(iteration_idx)", 2d, 2d), (decided.NodeName, decided.Iteration, decided.Decision!.Subject, decided.Decision.Measured, decided.Decision.Threshold));
        Assert.Same(decided, journal.OfType<ExecutionEntry>().Last());

        // Resumed under the same policy, the next step is judged the same way: one more step, paused again.
        await t.Runtime.ResumeAsync(handle.LifetimeId, "ops");
        Assert.Equal(ExecutionPhase.Paused, (await t.Runtime.WhenSettledAsync(handle.LifetimeId)).Phase);
        Assert.Equal(2, (await t.Runtime.Journal.ReadAsync(handle.LifetimeId, 1, default).ToListAsync()).OfType<ExecutionEntry>().Count(e => e.Decision is not null));

        // Raise the cap in the file (no restart), resume: it runs to the end under the new policy set version.
        var before = source.Current.Version;
        await File.WriteAllTextAsync(file, "policies:\n  - { name: loop-cap, scope: lifetime, when: \"max(iteration_idx) >= 50\", action: pause_lifetime }");
        await TestRuntime.Until(() => source.Current.Version != before, "the policy file is reloaded");
        await t.Runtime.ResumeAsync(handle.LifetimeId, "ops", "cap raised to 50");
        var outcome = await handle.Completion.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal((ExecutionPhase.Completed, 6), (outcome.Phase, outcome.Result!.Json.GetProperty("count").GetInt32()));
        var records = await t.Runtime.Journal.ReadAsync(handle.LifetimeId, 1, default).ToListAsync();
        Assert.Equal([before, source.Current.Version], records.OfType<ExecutionEntry>().Select(e => e.PolicySetVersion).Distinct());
        Assert.True(JournalReplay.Replay(records).Identical);

        // A bad edit is refused with its location, and the policies in force stay in force.
        await File.WriteAllTextAsync(file, "policies:\n  - { name: loop-cap, scope: lifetime, when: \"max(iteration) >= 50\", action: pause_lifetime }");
        source.Reload();
        Assert.StartsWith($"policies in {file} were not reloaded; {source.Current.Version} stays in force: policies are invalid (1 error(s)):", source.LastError, StringComparison.Ordinal);
        Assert.Contains("loop.yaml:2:51: error AP009: policy 'loop-cap': invalid condition: unknown field 'iteration' in max()", source.LastError, StringComparison.Ordinal);
        source.Dispose();
    }

    [Fact]
    public async Task AbortLifetime_EndsItAborted_DispatchesNothingAfter_AndReplayReproducesTheDecision()
    {
        var set = Policies("policies:\n  - { name: lifetime-budget, scope: lifetime, when: \"sum(tokens_used) > 250\", action: abort_lifetime }\n  - { name: spend-cap, scope: lifetime, when: \"sum(cost_usd) >= 10\", action: pause_lifetime }");
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddPolicies(set));

        var (outcome, journal) = await t.RunAsync(Loop());

        Assert.Equal(ExecutionPhase.Aborted, outcome.Phase);
        Assert.Equal($"aborted by policy 'lifetime-budget' (lifetime, abort_lifetime): sum(tokens_used) = 300 against threshold 250 (policy set {set.Version})", outcome.Reason);
        var executions = journal.OfType<ExecutionEntry>().ToList();
        Assert.Equal(["spend", "decide", "spend", "decide", "spend"], executions.Select(e => e.NodeName));
        Assert.NotNull(executions[^1].Decision);
        var replay = JournalReplay.Replay(journal);
        Assert.True(replay.Identical, replay.Divergence?.Message);
        Assert.Equal((ExecutionPhase.Aborted, outcome.Reason), (replay.Phase, replay.Reason));
    }
}
