using Agentic.Runtime.Hosting;

namespace Agentic.Tests;

/// <summary>What <see cref="ClusterRuntime.RecoverAllAsync"/> did: the lifetimes re-activated, and the ones it could not.</summary>
internal sealed record RecoveryReport(IReadOnlyList<LifetimeHandle> Recovered, IReadOnlyList<RecoveryFailure> NotRecovered);
