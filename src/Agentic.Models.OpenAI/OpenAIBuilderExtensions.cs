using Agentic.Runtime.Hosting;

namespace Agentic.Models.OpenAI;

public static class OpenAIBuilderExtensions
{
    /// <summary>Registers <c>provider: openai</c> for the <c>llm</c> task, on the OpenAI API or any compatible <paramref name="endpoint"/>.</summary>
    public static AgenticBuilder AddOpenAIChatClient(this AgenticBuilder builder, string apiKey, Uri? endpoint = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        return builder.AddChatClient("openai", _ => new OpenAIChatClientAdapter(apiKey, endpoint), endpoint is null ? "OpenAI" : $"OpenAI-compatible endpoint {endpoint}");
    }
}
