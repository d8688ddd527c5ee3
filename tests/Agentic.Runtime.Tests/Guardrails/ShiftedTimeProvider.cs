namespace Agentic.Runtime.Tests.Guardrails;

/// <summary>The system clock moved forward on demand (timers and timestamps stay real), to age usage out of windows.</summary>
internal sealed class ShiftedTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}
