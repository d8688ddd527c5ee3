using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Core.Models;
using Agentic.Core.Validation;
using Agentic.Runtime.Lifetimes;
using Agentic.Runtime.Models;
using Microsoft.Extensions.AI;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Nodes;

public sealed class LlmTaskTests
{
    private static readonly ModelPriceTable Prices = ModelPriceTable.Read("""
        models:
          echo-small: { input_per_million: 1.00, output_per_million: 2.00 }
          gpt-test:   { input_per_million: 0.15, output_per_million: 0.60 }
          gpt-test-2025-01: { input_per_million: 0.30, output_per_million: 1.20 }
        """, "prices.yaml");

    private static AgentGraph Graph(string config) => GraphReader.Parse($$"""
        graph: llm-one
        version: 1.0.0
        nodes:
          - { name: ask, kind: task, type: llm, config: {{config}} }
        edges:
          - { from: ask, to: end, kind: final }
        """, "llm-one.yaml");

    [Fact]
    public async Task Echo_AnswersFromThePrompt_CountsTokensFromTextLength_AndCostsThemWithThePriceTable()
    {
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddModelPrices(Prices));
        var graph = Graph("""{ provider: echo, model: echo-small, prompt: "Review {{input.file}} ({{input.lines}} lines), step {{iteration}}", output: review }""");

        var (outcome, journal) = await t.RunAsync(graph, new StartLifetimeOptions { Input = Payload.FromJson("""{"file":"main.c","lines":120}""") });

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        const string prompt = "Review main.c (120 lines), step 0"; // 33 characters: 9 tokens
        const string answer = "echo: " + prompt;                 // 39 characters: 10 tokens
        Assert.Equal(answer, outcome.Result!.Json.GetProperty("review").GetString());
        Assert.Equal("main.c", outcome.Result.Json.GetProperty("file").GetString());
        var ask = journal.OfType<ExecutionEntry>().Single();
        Assert.Equal((9L, 10L, "echo-small"), (ask.Telemetry.InputTokens, ask.Telemetry.OutputTokens, ask.Telemetry.Model));
        Assert.Equal((9 * 1.00 + 10 * 2.00) / 1_000_000, ask.Telemetry.CostUsd, 15);
    }

    [Fact]
    public async Task UsageAndModel_ComeFromTheResponse_AndCostUsesThePriceOfTheModelThatAnswered()
    {
        var fake = new FakeChatClient(new ChatResponse(new ChatMessage(ChatRole.Assistant, "LGTM"))
        {
            ModelId = "gpt-test-2025-01",
            Usage = new UsageDetails { InputTokenCount = 1234, OutputTokenCount = 567, TotalTokenCount = 1801 },
        });
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddModelPrices(Prices).AddChatClient("fake", _ => fake));
        var graph = Graph("""{ provider: fake, model: gpt-test, system: "You review code.", prompt: "Review: {{input}}", max_output_tokens: 200, temperature: 0.2 }""");

        var (outcome, journal) = await t.RunAsync(graph, new StartLifetimeOptions { Input = Payload.FromJson("""{"diff":"+x"}""") });

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        var (messages, options) = Assert.Single(fake.Calls);
        Assert.Equal("Review: {\"diff\":\"+x\"}", Assert.Single(messages).Text);
        Assert.Equal(("gpt-test", "You review code.", 200, 0.2f), (options!.ModelId, options.Instructions, options.MaxOutputTokens, options.Temperature));
        var ask = journal.OfType<ExecutionEntry>().Single();
        Assert.Equal((1234L, 567L, 1801L, "gpt-test-2025-01"), (ask.Telemetry.InputTokens, ask.Telemetry.OutputTokens, ask.Telemetry.TokensUsed, ask.Telemetry.Model));
        Assert.Equal(0.0010506, ask.Telemetry.CostUsd, 12); // 1234 x 0.30 / 1M + 567 x 1.20 / 1M
        Assert.Equal("LGTM", outcome.Result!.Json.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task AResponseWithoutUsage_CountsNothing_AndSaysSoInAMetric()
    {
        var fake = new FakeChatClient(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddChatClient("fake", _ => fake));
        var (_, journal) = await t.RunAsync(Graph("""{ provider: fake, model: m, prompt: "hi" }"""));
        var ask = journal.OfType<ExecutionEntry>().Single();
        Assert.Equal((0L, 0d, "m"), (ask.Telemetry.TokensUsed, ask.Telemetry.CostUsd, ask.Telemetry.Model));
        Assert.Equal(1d, ask.Telemetry.Metrics!["usage_missing"]);
    }

    [Theory]
    [InlineData("""{ prompt: "hi", provider: nowhere, model: m }""", "config.provider 'nowhere' is not configured (configured: echo)")]
    [InlineData("""{ provider: openai, model: gpt-test, prompt: "hi" }""", "config.provider 'openai' is not configured (configured: echo); set OPENAI_API_KEY to use it")]
    [InlineData("""{ model: echo-small }""", "config.prompt is required")]
    [InlineData("""{ prompt: "hi {{inptu.x}}" }""", "config.prompt: unknown placeholder {{inptu.x}} at character 4")]
    [InlineData("""{ prompt: "hi", model: gpt-5 }""", "config.model 'gpt-5' has no price in prices.yaml (priced: echo-small, gpt-test, gpt-test-2025-01)")]
    [InlineData("""{ prompt: "hi", temperature: 3 }""", "config.temperature must be a number from 0 to 2, got 3")]
    public async Task BadConfiguration_IsRefusedWhenTheGraphIsValidated(string config, string message)
    {
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddModelPrices(Prices));
        var ex = Assert.Throws<GraphValidationException>(() => t.Runtime.Validate(Graph(config)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingInputField_FailsTheStepNamingTheField()
    {
        await using var t = await TestRuntime.StartAsync();
        var (outcome, _) = await t.RunAsync(Graph("""{ prompt: "Review {{input.diff}}" }"""), new StartLifetimeOptions { Input = Payload.FromJson("""{"patch":"+x"}""") });
        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.Contains("prompt placeholder {{input.diff}}: input has no field 'diff'", outcome.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 0, 0.0)]
    [InlineData(1_000_000, 0, 0.15)]
    [InlineData(0, 1_000_000, 0.60)]
    [InlineData(3, 7, 0.00000465)]
    public void CostArithmetic_IsPerMillionTokens_InputAndOutputPricedApart(long input, long output, double usd) =>
        Assert.Equal(usd, new ModelPrice(0.15m, 0.60m).CostUsd(input, output), 15);

    [Theory]
    [InlineData("models:\n  m: { input_per_million: -1, output_per_million: 1 }", "prices.yaml:2:27: model 'm': input_per_million must be a non-negative number of US dollars")]
    [InlineData("models:\n  m: { input_per_million: 1 }", "prices.yaml:2:6: model 'm': output_per_million must be a non-negative number of US dollars (missing)")]
    [InlineData("models:\n  m: { input_per_million: 1, output_per_million: 1, cached: 2 }", "prices.yaml:2:53: model 'm': unknown key 'cached'")]
    [InlineData("prices: {}", "prices.yaml:1:1: a price file is a mapping with 'models:'")]
    public void APriceFileWithProblems_IsRefusedWithTheirLocations(string yaml, string message)
    {
        var ex = Assert.Throws<InvalidDataException>(() => ModelPriceTable.Read(yaml, "prices.yaml"));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private sealed class FakeChatClient(ChatResponse response) : IChatClient
    {
        public List<(List<ChatMessage> Messages, ChatOptions? Options)> Calls { get; } = [];

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            lock (Calls)
            {
                Calls.Add((messages.ToList(), options));
            }

            return Task.FromResult(response);
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("the llm task does not stream");

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
