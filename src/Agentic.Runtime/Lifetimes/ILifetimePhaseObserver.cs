namespace Agentic.Runtime.Lifetimes;

/// <summary>Told when a durable record moves a lifetime's listed phase (started, waiting, paused, resumed, ended). Called on the lifetime's actor: keep it cheap.</summary>
public interface ILifetimePhaseObserver
{
    void PhaseChanged(LifetimePhaseChange change);
}
