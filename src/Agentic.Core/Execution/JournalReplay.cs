namespace Agentic.Core.Execution;

/// <summary>Rebuilds a lifetime from its records alone (no node runs), under the graph pinned in its first record.</summary>
public static class JournalReplay
{
    public static ReplayReport Replay(IReadOnlyList<JournalEntry> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0 || records[0] is not LifetimeStartedEntry start)
        {
            throw new ArgumentException("a journal starts with its lifetime-started record", nameof(records));
        }

        var machine = LifetimeStateMachine.FromStart(start);
        var decisions = new List<RoutingDecision>();
        var dispatch = new List<ExecutionRequest>();
        JournalDivergenceException? divergence = null;
        foreach (var record in records)
        {
            try
            {
                machine.Apply(record, dispatch);
            }
            catch (JournalDivergenceException ex)
            {
                divergence = ex;
                break;
            }

            foreach (var r in dispatch)
            {
                decisions.Add(new RoutingDecision(record.Sequence, r.ExecutionId, r.Node.Name, r.Attempt, r.Iteration, r.EdgeTaken, r.ParentIds));
            }

            dispatch.Clear();
        }

        return new ReplayReport(start.LifetimeId, records.Count, machine.CurrentPhase, machine.ExecutionCount, machine.Iterations, machine.Result, machine.Reason, decisions, machine.Awaiting(), divergence);
    }
}
