using Agentic.Runtime.Lifetimes;

namespace Agentic.Runtime.Hosting;

/// <summary>What <see cref="AgenticRuntime.RecoverAllAsync"/> did: the lifetimes re-activated, and the ones it could not.</summary>
public sealed record RecoveryReport(IReadOnlyList<LifetimeHandle> Recovered, IReadOnlyList<RecoveryFailure> NotRecovered);
