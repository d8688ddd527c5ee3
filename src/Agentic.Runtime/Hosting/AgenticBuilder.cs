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
        Services.AddSingleton<Guardrails.IPolicySource>(sp => new Guardrails.PolicyFileSource(path, sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>()?.CreateLogger("Agentic.Runtime.Guardrails")));
        return this;
    }

    /// <summary>Enforces a fixed policy set.</summary>
    public AgenticBuilder AddPolicies(Core.Guardrails.PolicySet policies)
    {
        Services.RemoveAll<Guardrails.IPolicySource>();
        Services.AddSingleton<Guardrails.IPolicySource>(new Guardrails.StaticPolicySource(policies));
        return this;
    }

    /// <summary>Registers a chat client the <c>llm</c> task can use as <c>provider: NAME</c> (a later registration of a name replaces it).</summary>
    public AgenticBuilder AddChatClient(string provider, Func<IServiceProvider, Microsoft.Extensions.AI.IChatClient> create, string description = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(provider);
        ArgumentNullException.ThrowIfNull(create);
        Services.AddSingleton(new Models.ChatClientRegistration(provider, create, description));
        return this;
    }

    /// <summary>Costs <c>llm</c> usage with these prices (per model, per million input and output tokens).</summary>
    public AgenticBuilder AddModelPrices(Core.Models.ModelPriceTable prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        Services.RemoveAll<Core.Models.ModelPriceTable>();
        Services.AddSingleton(prices);
        return this;
    }

    /// <summary>Reads prices from a YAML file (<c>models: { NAME: { input_per_million, output_per_million } }</c>).</summary>
    public AgenticBuilder AddModelPrices(string path) =>
        AddModelPrices(Core.Models.ModelPriceTable.Read(File.ReadAllText(path), Path.GetFullPath(path)));

    internal AgenticBuilder AddBuiltInNodes()
    {
        Services.TryAddSingleton(Core.Models.ModelPriceTable.Empty);
        Services.TryAddSingleton(sp => new Models.ChatClientCatalog(sp, sp.GetServices<Models.ChatClientRegistration>()));
        AddChatClient("echo", _ => new Models.EchoChatClient(), "offline: answers from the prompt, usage from text length");
        return AddBuiltInNodeTypes();
    }

    private AgenticBuilder AddBuiltInNodeTypes() => this
        .AddTask<LlmTask>("llm", "one chat call (config.provider, model, prompt template); usage and cost from the response")
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
