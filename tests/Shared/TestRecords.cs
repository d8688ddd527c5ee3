using Agentic.Core.Execution;

namespace Agentic.Testing;

/// <summary>Hand-made journal records for store tests.</summary>
internal static class TestRecords
{
    public static LifetimeStartedEntry Started(string lifetimeId, long sequence) => new()
    {
        LifetimeId = lifetimeId,
        Sequence = sequence,
        RecordedAt = DateTimeOffset.UnixEpoch,
        TenantId = "t",
        GraphName = "g",
        GraphVersion = "1.0.0",
        GraphHash = "h",
        GraphJson = "{}",
        Input = Payload.EmptyObject,
        IterationCap = 10,
    };

    public static LifetimeEndedEntry Ended(string lifetimeId, long sequence) => new()
    {
        LifetimeId = lifetimeId,
        Sequence = sequence,
        RecordedAt = DateTimeOffset.UnixEpoch,
        Phase = ExecutionPhase.Completed,
        Iterations = 0,
        Executions = 0,
    };
}
