namespace Agentic.Runtime.Actors;

/// <summary>Limits of an <see cref="ActorHost{TActor, TMessage}"/>.</summary>
public sealed class ActorHostOptions
{
    /// <summary>Live activations at most; further activations wait until idle actors are passivated.</summary>
    public int MaxActivations { get; set; } = 100_000;

    /// <summary>
    /// An idle actor that may passivate is dropped after this long without messages. Idleness is sampled every half
    /// timeout (not timed per message, which would cost a clock read on every turn), so the drop comes between one
    /// and two timeouts after the last message.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Messages handled in one turn before the actor yields its thread to others (fairness).</summary>
    public int MessagesPerTurn { get; set; } = 64;
}
