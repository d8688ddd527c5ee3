using Agentic.Runtime.Blobs;
using Agentic.Runtime.Guardrails;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Journal;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Nodes;
using Microsoft.Extensions.Configuration;
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

    /// <summary>Entries of the grain directory's cache the silo keeps at most (Orleans' default: 1,000,000).</summary>
    public const int DirectoryCacheSize = 10_000;

    /// <summary>
    /// Adds the lifetime grains and the runtime's services they share (journal writer, workers, node registry,
    /// guardrails), configured like <see cref="AgenticServiceCollectionExtensions.AddAgentic"/>:
    /// <code>silo.UseLocalhostClustering().AddAgentic(b => b.AddTask&lt;MyTask&gt;("my_task"));</code>
    /// A journal store registered on the silo's services (SQLite, …) is used; else the in-memory one.
    /// </summary>
    public static ISiloBuilder AddAgentic(this ISiloBuilder silo, Action<AgenticBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        // Work queues are the silo's: executions of `queue` nodes wait on a tenant's queue grain for workers outside.
        silo.Services.AddAgentic(b =>
        {
            b.AddTask<QueueTask>("queue", "done by a worker outside the cluster, in any language: offered on the tenant's work queue config.queue (POST /v1/queues/{queue}/poll)");
            configure?.Invoke(b);
        });
        // Record references: the provider configuration names (Agentic:Streams), unless the host registered one itself.
        if (!Registered<global::Orleans.Streams.IStreamProvider>(silo, ExecutionRefs.StreamProvider))
        {
            var streams = silo.Configuration.GetSection(AgenticStreamOptions.Section).Get<AgenticStreamOptions>() ?? new AgenticStreamOptions();
            AddStreams(silo, streams);
        }

        if (!Registered<global::Orleans.Storage.IGrainStorage>(silo, StorageName))
        {
            silo.AddMemoryGrainStorage(StorageName);
        }

        if (!Registered<global::Orleans.Storage.IGrainStorage>(silo, "PubSubStore"))
        {
            silo.AddMemoryGrainStorage("PubSubStore");
        }

        // The grain directory's cache keeps ~430 B per grain ever activated at its default of 1,000,000 entries: a
        // lifetime is activated a few times in its life, so bound it (a host may set it again after this).
        silo.Configure<global::Orleans.Configuration.GrainDirectoryOptions>(o => o.CacheSize = Math.Min(o.CacheSize, DirectoryCacheSize));
        silo.Services.TryAddSingleton<SiloMetrics>();
        silo.Services.AddSingleton<ExecutionRefPublisher>();
        silo.Services.AddSingleton<Runtime.Lifetimes.IJournalObserver>(sp => sp.GetRequiredService<ExecutionRefPublisher>());
        silo.Services.TryAddSingleton<ILifetimePhaseObserver, TenantPhasePublisher>();
        silo.Services.TryAddSingleton(sp => WithPhases(LifetimeServices.Create(
            sp.GetRequiredService<NodeRegistry>(),
            sp.GetRequiredService<IJournalStore>(),
            sp.GetRequiredService<IOptions<AgenticRuntimeOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetServices<Runtime.Lifetimes.IJournalObserver>(),
            sp.GetService<IBlobStore>(),
            sp.GetService<IPolicySource>(),
            sp.GetService<Core.Models.ModelPriceTable>(),
            sp.GetRequiredService<ExecutorGrainDispatcher>(),
            sp.GetRequiredService<ITenantLedgerOwner>()), sp.GetService<ILifetimePhaseObserver>()));
        silo.Services.TryAddSingleton<ExecutorGrainDispatcher>();
        // What re-activations from the journal cost on this silo (records applied, snapshots used), for metrics and tests.
        silo.Services.TryAddSingleton(sp => sp.GetRequiredService<LifetimeServices>().Counters);
        // Tenants' ledgers are owned by their guardrail grains: one order of charges for every silo.
        silo.Services.TryAddSingleton<ITenantLedgerOwner>(sp => new GuardrailGrainLedgerOwner(sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<TimeProvider>()));
        silo.Services.AddHostedService<LifetimeRecoveryService>();
        silo.AddIncomingGrainCallFilter<CallerReadableExceptions>();
        silo.AddPlacementDirector<LifetimeLocalPlacement, LifetimeLocalPlacementDirector>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, TenantLedgerDrain>();
        return silo;
    }

    /// <summary>
    /// Lets tenants keep their own guardrail policies in the cluster (<see cref="IPolicyCatalogGrain"/>, the server's
    /// <c>PUT /v1/policies</c>): every silo enforces the operator's policies configured before this call (or none) plus
    /// every tenant's, each tenant's for its own lifetimes only. A silo's lifetimes start once it has read the catalog;
    /// a change reaches the silo that stored it at once and the others within a second. Call after <see cref="AddAgentic"/>.
    /// </summary>
    public static ISiloBuilder AddTenantPolicies(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var operatorSource = silo.Services.LastOrDefault(d => d.ServiceType == typeof(IPolicySource));
        silo.Services.RemoveAll<IPolicySource>();
        silo.Services.AddSingleton(sp => new TenantPolicySource(
            operatorSource switch
            {
                null => null,
                { ImplementationInstance: IPolicySource instance } => instance,
                { ImplementationFactory: { } factory } => (IPolicySource)factory(sp),
                { ImplementationType: { } type } => (IPolicySource)ActivatorUtilities.CreateInstance(sp, type),
                _ => null,
            },
            sp.GetRequiredService<ILoggerFactory>().CreateLogger("Agentic.Runtime.Guardrails")));
        silo.Services.AddSingleton<IPolicySource>(sp => sp.GetRequiredService<TenantPolicySource>());
        silo.Services.AddSingleton<PolicyCatalogPoller>();
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PolicyCatalogPoller>());
        return silo;
    }

    private static void AddStreams(ISiloBuilder silo, AgenticStreamOptions options)
    {
        switch (options.Provider.ToLowerInvariant())
        {
            case "memory":
                silo.AddMemoryStreams(ExecutionRefs.StreamProvider);
                break;
            case "eventhubs":
                var hubs = options.EventHubs;
                var missing = new[] { (nameof(hubs.ConnectionString), hubs.ConnectionString), (nameof(hubs.EventHubName), hubs.EventHubName), (nameof(hubs.CheckpointConnectionString), hubs.CheckpointConnectionString) }
                    .Where(s => string.IsNullOrWhiteSpace(s.Item2)).Select(s => $"{AgenticStreamOptions.Section}:EventHubs:{s.Item1}").ToList();
                if (missing.Count > 0)
                {
                    throw new global::Orleans.Runtime.OrleansConfigurationException($"Agentic:Streams:Provider is eventhubs but {string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} not set");
                }

                silo.AddEventHubStreams(
                    ExecutionRefs.StreamProvider,
                    eventHub => eventHub.ConfigureEventHubConnection(hubs.ConnectionString!, hubs.EventHubName!, hubs.ConsumerGroup),
                    checkpoints =>
                    {
                        checkpoints.TableServiceClient = new Azure.Data.Tables.TableServiceClient(hubs.CheckpointConnectionString!);
                        checkpoints.TableName = hubs.CheckpointTable;
                    });
                break;
            default:
                throw new global::Orleans.Runtime.OrleansConfigurationException($"Agentic:Streams:Provider '{options.Provider}' is not one of memory, eventhubs");
        }
    }

    private static bool Registered<T>(ISiloBuilder silo, string name) =>
        silo.Services.Any(d => d.IsKeyedService && d.ServiceType == typeof(T) && Equals(d.ServiceKey, name));

    /// <summary>The lifetimes' phase changes go to the tenants' feed grains (what GET /v1/events follows).</summary>
    private static LifetimeServices WithPhases(LifetimeServices services, ILifetimePhaseObserver? phases)
    {
        services.PhaseObserver = phases;
        return services;
    }
}
