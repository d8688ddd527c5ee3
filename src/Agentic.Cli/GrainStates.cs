using Agentic.Core.Execution;
using Agentic.Orleans;
using Agentic.Runtime.Lifetimes;

namespace Agentic.Cli;

/// <summary>The grains' contracts as the CLI prints them, and their refusals as the CLI's one-line errors.</summary>
internal static class GrainStates
{
    public static LifetimeView ToView(LifetimeState s) => new(
        s.LifetimeId,
        s.TenantId,
        s.GraphName,
        s.GraphVersion,
        s.GraphHash,
        PhaseOf(s.Phase),
        s.LastSequence,
        s.Executions,
        s.Iterations,
        PayloadOf(s.Result),
        s.Reason,
        s.Awaiting.Select(a => new AwaitedExecution(a.ExecutionId, a.NodeName, a.NodeType, a.Attempt, a.Iteration, PhaseOf(a.Phase), PayloadOf(a.Prompt))).ToArray(),
        s.TokensUsed,
        s.CostUsd);

    public static LifetimeOutcome ToOutcome(LifetimeState s, DateTimeOffset startedAt, DateTimeOffset endedAt) =>
        new(s.LifetimeId, s.TenantId, s.GraphName, s.GraphVersion, PhaseOf(s.Phase), PayloadOf(s.Result), s.Reason, s.Executions, s.Iterations, startedAt, endedAt, s.TokensUsed, s.CostUsd);

    public static PayloadData Data(Payload payload) => new(payload.MediaType, payload.Bytes.ToArray());

    /// <summary>
    /// Runs a grain call; its refusals (an invalid graph, a refused transition, another command first) become the
    /// CLI's invalid-input errors, so that they print as one line with exit 2.
    /// </summary>
    public static async Task<T> Call<T>(Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException and not ArgumentNullException)
        {
            throw new CliInputException(ex.Message, ex);
        }
    }

    private static Payload? PayloadOf(PayloadData? data) => data is null ? null : Payload.FromTrusted(data.Bytes, data.MediaType);

    private static ExecutionPhase PhaseOf(string wire) =>
        Enum.GetValues<ExecutionPhase>().FirstOrDefault(p => p.ToWireName() == wire, ExecutionPhase.Pending);
}
