namespace Agentic.Runtime.Actors;

/// <summary>An address to post messages to one actor; valid across passivation (a post re-activates it).</summary>
public interface IActorRef<in TMessage>
{
    string Key { get; }

    void Post(TMessage message);

    /// <summary>
    /// Posts from a thread-pool thread that is about to finish its work item: if the actor is idle, its turn runs
    /// right here instead of being queued, saving a thread-pool hop. Still one message at a time per actor.
    /// </summary>
    void PostAndRunIfIdle(TMessage message) => Post(message);
}
