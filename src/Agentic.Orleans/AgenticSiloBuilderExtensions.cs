using Agentic.Runtime.Blobs;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Agentic.Orleans;

/// <summary>Wires the runtime into a silo: node types, journal store, policies and the lifetime grains.</summary>
public static class AgenticSiloBuilderExtensions
{
    /// <summary>The grain storage provider of the graph registry (and any other grain state): memory unless the host registers one under this name.</summary>
    public const string StorageName = "agentic";

    /// <summary>
    /// Adds the lifetime grains and the runtime's services they share (journal writer, workers, node registry,
    /// guardrails), configured like <see cref="AgenticServiceCollectionExtensions.AddAgentic"/>:
    /// <code>silo.UseLocalhostClustering().AddAgentic(b => b.AddTask&lt;MyTask&gt;("my_task"));</code>
    /// A journal store registered on the silo's services (SQLite, …) is used; else the in-memory one.
    /// </summary>
    public static ISiloBuilder AddAgentic(this ISiloBuilder silo, Action<AgenticBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        silo.Services.AddAgentic(configure);
        // Record references on memory streams unless the host chose a provider under the same name (Event Hubs, …).
        if (!Registered<global::Orleans.Streams.IStreamProvider>(silo, ExecutionRefs.StreamProvider))
        {
            silo.AddMemoryStreams(ExecutionRefs.StreamProvider);
        }

        if (!Registered<global::Orleans.Storage.IGrainStorage>(silo, StorageName))
        {
            silo.AddMemoryGrainStorage(StorageName);
        }

        if (!Registered<global::Orleans.Storage.IGrainStorage>(silo, "PubSubStore"))
        {
            silo.AddMemoryGrainStorage("PubSubStore");
        }

        silo.Services.AddSingleton<ExecutionRefPublisher>();
        silo.Services.AddSingleton<Runtime.Lifetimes.IJournalObserver>(sp => sp.GetRequiredService<ExecutionRefPublisher>());
        silo.Services.TryAddSingleton(sp => LifetimeServices.Create(
            sp.GetRequiredService<NodeRegistry>(),
            sp.GetRequiredService<IJournalStore>(),
            sp.GetRequiredService<IOptions<AgenticRuntimeOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetServices<Runtime.Lifetimes.IJournalObserver>(),
            sp.GetService<IBlobStore>(),
            sp.GetService<IPolicySource>(),
            sp.GetService<Core.Models.ModelPriceTable>(),
            sp.GetRequiredService<ITenantLedgerOwner>()));
        // What re-activations from the journal cost on this silo (records applied, snapshots used), for metrics and tests.
        silo.Services.TryAddSingleton(sp => sp.GetRequiredService<LifetimeServices>().Counters);
        // Tenants' ledgers are owned by their guardrail grains: one order of charges for every silo.
        silo.Services.TryAddSingleton<ITenantLedgerOwner>(sp => new GuardrailGrainLedgerOwner(sp.GetRequiredService<IGrainFactory>()));
        silo.Services.AddHostedService<LifetimeRecoveryService>();
        return silo;
    }

    private static bool Registered<T>(ISiloBuilder silo, string name) =>
        silo.Services.Any(d => d.IsKeyedService && d.ServiceType == typeof(T) && Equals(d.ServiceKey, name));
}
