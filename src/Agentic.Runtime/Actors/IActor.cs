namespace Agentic.Runtime.Actors;

/// <summary>
/// A grain-style actor: a plain class that receives one message at a time. The host activates it on its first
/// message and may passivate it once it is idle and <see cref="CanPassivate"/>.
/// </summary>
public interface IActor<in TMessage>
{
    /// <summary>Handles one message. Never called concurrently for one actor. Must not block on I/O.</summary>
    void Receive(TMessage message);

    /// <summary>True when dropping the activation loses nothing (state is durable or finished).</summary>
    bool CanPassivate { get; }

    /// <summary>True when the actor has nothing left to do and should be passivated as soon as its mailbox is empty.</summary>
    bool DeactivateWhenIdle => false;
}
