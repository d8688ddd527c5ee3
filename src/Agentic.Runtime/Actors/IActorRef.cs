namespace Agentic.Runtime.Actors;

/// <summary>An address to post messages to one actor; valid across passivation (a post re-activates it).</summary>
public interface IActorRef<in TMessage>
{
    string Key { get; }

    void Post(TMessage message);
}
