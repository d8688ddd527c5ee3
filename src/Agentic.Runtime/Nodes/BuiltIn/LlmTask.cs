using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Core.Models;
using Agentic.Runtime.Models;
using Microsoft.Extensions.AI;

namespace Agentic.Runtime.Nodes.BuiltIn;

/// <summary>
/// <c>llm</c>: one chat call through the <see cref="IChatClient"/> registered as <c>config.provider</c> (default
/// <c>echo</c>, offline). The prompt is <c>config.prompt</c> rendered from the input (<see cref="PromptTemplate"/>),
/// with <c>config.system</c> as instructions and <c>model</c>, <c>max_output_tokens</c>, <c>temperature</c> as options.
/// Usage comes from the response's usage details; cost from the configured <see cref="ModelPriceTable"/> for the
/// model that answered. Returns its input object with the answer under <c>config.output</c> (default <c>answer</c>).
/// </summary>
public sealed class LlmTask(ChatClientCatalog clients, ModelPriceTable prices) : ITaskHandler, INodeConfigValidator
{
    private readonly ConcurrentDictionary<string, PromptTemplate> _templates = new(StringComparer.Ordinal);

    public async ValueTask<Payload> ExecuteAsync(TaskContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var call = Call.Read(context.Config);
        var template = _templates.GetOrAdd(call.Prompt, PromptTemplate.Parse);
        var input = context.Input.IsJson ? context.Input.Json : default;
        var lifetimeInput = context.LifetimeInput.IsJson ? context.LifetimeInput.Json : default;
        var prompt = template.Render(input, lifetimeInput, context.NodeName, context.Iteration, context.Attempt);
        var options = new ChatOptions { ModelId = call.Model, Instructions = call.System, MaxOutputTokens = call.MaxOutputTokens, Temperature = call.Temperature };

        var response = await clients.Get(call.Provider).GetResponseAsync([new ChatMessage(ChatRole.User, prompt)], options, context.CancellationToken).ConfigureAwait(false);

        var model = string.IsNullOrEmpty(response.ModelId) ? call.Model : response.ModelId;
        var usage = response.Usage;
        var inputTokens = usage?.InputTokenCount ?? 0;
        var outputTokens = usage?.OutputTokenCount ?? Math.Max(0, (usage?.TotalTokenCount ?? 0) - inputTokens);
        context.RecordModel(model);
        context.RecordTokens(inputTokens, outputTokens);
        if (usage is null)
        {
            context.RecordMetric("usage_missing", 1);
        }

        if (PriceOf(model, call.Model) is { } price)
        {
            context.RecordCost(price.CostUsd(inputTokens, outputTokens));
        }
        else if (!prices.IsEmpty)
        {
            // Validation refuses unpriced models; one can still answer as another (an alias resolved by the provider).
            throw new InvalidOperationException($"model '{model}' answered but has no price in {prices.Source}; add it so its cost is counted");
        }

        var result = context.Input.IsJson && context.Input.ToJsonNode() is JsonObject o ? o : new JsonObject { ["input"] = context.Input.IsJson ? context.Input.ToJsonNode() : null };
        result[call.Output] = response.Text;
        return Payload.FromJsonNode(result);
    }

    public IEnumerable<string> Validate(GraphNode node, AgentGraph graph)
    {
        ArgumentNullException.ThrowIfNull(node);
        Call call;
        try
        {
            call = Call.Read(node.Config);
            PromptTemplate.Parse(call.Prompt);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            return [ex is FormatException ? "config.prompt: " + ex.Message : ex.Message];
        }

        var problems = new List<string>();
        if (!clients.Has(call.Provider))
        {
            problems.Add($"config.provider '{call.Provider}' is not configured (configured: {string.Join(", ", clients.Providers.Order(StringComparer.Ordinal))}){(call.Provider == "openai" ? "; set OPENAI_API_KEY to use it" : "")}");
        }

        if (!prices.IsEmpty && PriceOf(call.Model, call.Model) is null)
        {
            problems.Add($"config.model '{call.Model}' has no price in {prices.Source} (priced: {string.Join(", ", prices.Models.Order(StringComparer.Ordinal))}); its cost could not be counted");
        }

        return problems;
    }

    private ModelPrice? PriceOf(string answered, string asked) =>
        prices.TryGet(answered, out var price) || prices.TryGet(asked, out price) ? price : null;

    private sealed record Call(string Provider, string Model, string Prompt, string? System, int? MaxOutputTokens, float? Temperature, string Output)
    {
        public static Call Read(JsonElement config)
        {
            var provider = ConfigReader.Str(config, "provider") ?? "echo";
            var model = ConfigReader.Str(config, "model") ?? (provider == "echo" ? EchoChatClient.DefaultModel : throw new InvalidOperationException($"config.model is required for provider '{provider}'"));
            var prompt = ConfigReader.Str(config, "prompt") ?? throw new InvalidOperationException("config.prompt is required: the prompt template, e.g. \"Review: {{input.diff}}\"");
            var max = config.TryGetProperty("max_output_tokens", out _) ? ConfigReader.Int(config, "max_output_tokens", 0, min: 1) : (int?)null;
            float? temperature = null;
            if (config.TryGetProperty("temperature", out var t))
            {
                temperature = t.ValueKind == JsonValueKind.Number && t.GetDouble() is >= 0 and <= 2
                    ? (float)t.GetDouble()
                    : throw new InvalidOperationException($"config.temperature must be a number from 0 to 2, got {t.GetRawText()}");
            }

            return new Call(provider, model, prompt, ConfigReader.Str(config, "system"), max, temperature, ConfigReader.Str(config, "output") ?? "answer");
        }
    }
}
