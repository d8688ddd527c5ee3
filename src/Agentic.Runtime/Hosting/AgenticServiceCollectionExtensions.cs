using Agentic.Runtime.Journal;
using Agentic.Runtime.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agentic.Runtime.Hosting;

public static class AgenticServiceCollectionExtensions
{
    /// <summary>
    /// Adds what the runtime's grains use: the built-in node types and those <paramref name="configure"/> adds, the runtime's
    /// options and, unless a store is registered, the in-memory journal. Called by the silo's <c>AddAgentic</c>.
    /// </summary>
    public static IServiceCollection AddAgentic(this IServiceCollection services, Action<AgenticBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        var builder = new AgenticBuilder(services).AddBuiltInNodes();
        configure?.Invoke(builder);
        // The collection is complete by the time the registry is resolved: it tells which handlers are singletons.
        services.TryAddSingleton(sp => new NodeRegistry(sp, sp.GetServices<NodeRegistration>(), type => services.LastOrDefault(d => d.ServiceType == type && !d.IsKeyedService)?.Lifetime == ServiceLifetime.Singleton));
        services.TryAddSingleton<IJournalStore, InMemoryJournalStore>();
        return services;
    }

    /// <summary>
    /// Uses the in-memory journal (the default when no store is registered) with these settings, e.g. a bound on the
    /// finished lifetimes it keeps: <c>services.AddInMemoryJournal(o => o.RetainFinishedLifetimes = 10_000)</c>.
    /// </summary>
    public static IServiceCollection AddInMemoryJournal(this IServiceCollection services, Action<InMemoryJournalOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new InMemoryJournalOptions();
        configure?.Invoke(options);
        var store = new InMemoryJournalStore(options);
        services.RemoveAll<IJournalStore>();
        services.AddSingleton<IJournalStore>(store);
        return services;
    }
}
