namespace Agentic.Runtime.Actors;

/// <summary>An address to post messages to one actor (the lifetime grain that hosts it); valid across deactivation.</summary>
public interface IActorRef<in TMessage>
{
    string Key { get; }

    void Post(TMessage message);

    /// <summary>
    /// Delivers <paramref name="message"/> to this actor after <paramref name="due"/>, as one of its turns (on a silo: a
    /// grain timer of the activation, which keeps it alive meanwhile). Disposing the result cancels it.
    /// </summary>
    IDisposable After(TimeSpan due, TMessage message);
}
