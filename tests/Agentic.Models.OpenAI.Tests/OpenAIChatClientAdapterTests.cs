using System.ClientModel;
using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Models;
using Agentic.Tests;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Models.OpenAI.Tests;

/// <summary>The OpenAI adapter against a real HTTP endpoint on 127.0.0.1: the request it sends and how it reads the answer.</summary>
public sealed class OpenAIChatClientAdapterTests
{
    private const string Completion = """
        {"id":"chatcmpl-7","object":"chat.completion","created":1764460800,"model":"gpt-test-2025-01",
         "choices":[{"index":0,"message":{"role":"assistant","content":"LGTM, ship it"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":1234,"completion_tokens":567,"total_tokens":1801}}
        """;

    [Fact]
    public async Task SendsModelMessagesAndKey_AndReadsTextUsageAndTheModelThatAnswered()
    {
        using var endpoint = new FakeOpenAIEndpoint(_ => (200, Completion));
        using var client = new OpenAIChatClientAdapter("sk-test", endpoint.Endpoint);

        var response = await client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "Review: +x")],
            new ChatOptions { ModelId = "gpt-test", Instructions = "You review code.", MaxOutputTokens = 200, Temperature = 0.2f });

        Assert.Equal("LGTM, ship it", response.Text);
        Assert.Equal("gpt-test-2025-01", response.ModelId);
        Assert.Equal((1234L, 567L, 1801L), (response.Usage!.InputTokenCount!.Value, response.Usage.OutputTokenCount!.Value, response.Usage.TotalTokenCount!.Value));
        var (path, authorization, body) = Assert.Single(endpoint.Requests);
        Assert.Equal("POST /v1/chat/completions", path);
        Assert.Equal("Bearer sk-test", authorization);
        Assert.Equal("gpt-test", body.GetProperty("model").GetString());
        Assert.Equal(200, body.GetProperty("max_completion_tokens").GetInt32());
        var messages = body.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").ToString())).ToList();
        Assert.Equal(("system", "You review code."), messages[0]);
        Assert.Equal("user", messages[1].Item1);
        Assert.Contains("Review: +x", messages[1].Item2, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnErrorStatus_IsAnErrorNamingIt_NotAnEmptyAnswer()
    {
        using var endpoint = new FakeOpenAIEndpoint(_ => (429, """{"error":{"message":"Rate limit reached","type":"rate_limit_error"}}"""));
        using var client = new OpenAIChatClientAdapter("sk-test", endpoint.Endpoint);

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => client.GetResponseAsync([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ModelId = "gpt-test" }));

        Assert.Equal(429, ex.Status);
        Assert.Contains("Rate limit reached", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LlmTask_OnTheOpenAIProvider_JournalsUsageAndCost_FromTheEndpointsAnswer()
    {
        using var endpoint = new FakeOpenAIEndpoint(_ => (200, Completion));
        var prices = ModelPriceTable.Read("models:\n  gpt-test: { input_per_million: 0.15, output_per_million: 0.60 }\n  gpt-test-2025-01: { input_per_million: 0.30, output_per_million: 1.20 }\n", "prices.yaml");
        await using var runtime = await ClusterRuntime.StartAsync(s => s.AddSingleton<Runtime.Journal.IJournalStore>(new Runtime.Journal.InMemoryJournalStore()), b => b.AddModelPrices(prices).AddOpenAIChatClient("sk-test", endpoint.Endpoint));
        var graph = GraphReader.Parse("""
            graph: review
            version: 1.0.0
            nodes:
              - { name: ask, kind: task, type: llm, config: { provider: openai, model: gpt-test, prompt: "Review: {{input.diff}}", output: review } }
              - { name: done, kind: plan, type: all }
            edges:
              - { from: ask, to: done }
              - { from: done, to: end, kind: final }
            """, "review.yaml");

        var outcome = await runtime.RunAsync(graph, new Runtime.Lifetimes.StartLifetimeOptions { Input = Payload.FromJson("""{"diff":"+x"}""") }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.Equal("LGTM, ship it", outcome.Result!.Json.GetProperty("review").GetString());
        Assert.Equal(1801, outcome.TokensUsed);
        Assert.Equal((1234 * 0.30 + 567 * 1.20) / 1_000_000, outcome.CostUsd, 12);
        var request = Assert.Single(endpoint.Requests).Body;
        Assert.Contains("Review: +x", request.GetProperty("messages")[0].GetProperty("content").ToString(), StringComparison.Ordinal);
    }
}
