namespace Agentic.Runtime.Actors;

/// <summary>An address to post messages to one actor (the lifetime grain that hosts it); valid across deactivation.</summary>
public interface IActorRef<in TMessage>
{
    string Key { get; }

    void Post(TMessage message);
}
