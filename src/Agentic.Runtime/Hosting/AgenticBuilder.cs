using Agentic.Core.Graphs;
using Agentic.Runtime.Nodes;
using Agentic.Runtime.Nodes.BuiltIn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Agentic.Runtime.Hosting;

/// <summary>Registers node types and runtime options; obtained from <see cref="AgenticServiceCollectionExtensions.AddAgentic"/>.</summary>
public sealed class AgenticBuilder
{
    internal AgenticBuilder(IServiceCollection services) => Services = services;

    public IServiceCollection Services { get; }

    /// <summary>Registers a Task type. The handler is resolved from DI with <paramref name="lifetime"/> (singleton by default).</summary>
    public AgenticBuilder AddTask<THandler>(string typeName, string description = "", ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where THandler : class, ITaskHandler => Add<THandler>(typeName, NodeKind.Task, description, lifetime);

    /// <summary>Registers a Plan type.</summary>
    public AgenticBuilder AddPlan<THandler>(string typeName, string description = "", ServiceLifetime lifetime = ServiceLifetime.Singleton)
        where THandler : class, IPlanHandler => Add<THandler>(typeName, NodeKind.Plan, description, lifetime);

    public AgenticBuilder Configure(Action<AgenticRuntimeOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    /// <summary>Enforces the guardrail policies in <paramref name="path"/> (a YAML file or a folder of them), reloading them when they change.</summary>
    public AgenticBuilder AddPolicies(string path)
    {
        // A factory, not an instance: the container then disposes the file watcher with the runtime.
        Services.RemoveAll<Guardrails.IPolicySource>();
        Services.AddSingleton<Guardrails.IPolicySource>(_ => new Guardrails.PolicyFileSource(path));
        return this;
    }

    /// <summary>Enforces a fixed policy set.</summary>
    public AgenticBuilder AddPolicies(Core.Guardrails.PolicySet policies)
    {
        Services.RemoveAll<Guardrails.IPolicySource>();
        Services.AddSingleton<Guardrails.IPolicySource>(new Guardrails.StaticPolicySource(policies));
        return this;
    }

    internal AgenticBuilder AddBuiltInNodes() => this
        .AddTask<EchoTask>("echo", "returns its input merged with its config")
        .AddTask<CounterTask>("counter", "increments `count` of its input")
        .AddTask<FailTask>("fail", "fails its first N attempts, then passes its input through")
        .AddTask<SleepTask>("sleep", "waits config.ms, honouring cancellation, and passes its input through")
        .AddTask<HumanTask>("human", "waits for a person: journaled as waiting with config.prompt until `agentic input`")
        .AddPlan<RoutePlan>("route", "rules of `when` → targets, else `otherwise`")
        .AddPlan<AllPlan>("all", "every outgoing target");

    private AgenticBuilder Add<THandler>(string typeName, NodeKind kind, string description, ServiceLifetime lifetime)
        where THandler : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        if (typeName == GraphEdge.End)
        {
            throw new ArgumentException($"'{GraphEdge.End}' is reserved and cannot name a node type", nameof(typeName));
        }

        Services.TryAdd(new ServiceDescriptor(typeof(THandler), typeof(THandler), lifetime));
        Services.AddSingleton(new NodeRegistration(typeName, kind, typeof(THandler), description));
        return this;
    }
}
