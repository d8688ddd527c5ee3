using System.ClientModel;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using OpenAIChatMessage = OpenAI.Chat.ChatMessage;

namespace Agentic.Models.OpenAI;

/// <summary>
/// <c>provider: openai</c>: the OpenAI client (any OpenAI-compatible endpoint) as an <see cref="IChatClient"/>. The
/// model is chosen per call (<see cref="ChatOptions.ModelId"/>); usage and the answering model come from the
/// completion. Microsoft.Extensions.AI.OpenAI cannot be restored here, hence this adapter.
/// </summary>
public sealed class OpenAIChatClientAdapter : IChatClient
{
    private readonly ApiKeyCredential _key;
    private readonly OpenAIClientOptions _options;
    private readonly ConcurrentDictionary<string, ChatClient> _clients = new(StringComparer.Ordinal);

    public OpenAIChatClientAdapter(string apiKey, Uri? endpoint = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        _key = new ApiKeyCredential(apiKey);
        _options = new OpenAIClientOptions();
        if (endpoint is not null)
        {
            _options.Endpoint = endpoint;
        }
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var model = options?.ModelId ?? throw new ArgumentException("the OpenAI provider needs a model (ChatOptions.ModelId)", nameof(options));
        var client = _clients.GetOrAdd(model, m => new ChatClient(m, _key, _options));
        var request = new List<OpenAIChatMessage>();
        if (!string.IsNullOrEmpty(options.Instructions))
        {
            request.Add(new SystemChatMessage(options.Instructions));
        }

        foreach (var message in messages)
        {
            request.Add(message.Role == ChatRole.System ? new SystemChatMessage(message.Text)
                : message.Role == ChatRole.Assistant ? new AssistantChatMessage(message.Text)
                : new UserChatMessage(message.Text));
        }

        var completionOptions = new ChatCompletionOptions { MaxOutputTokenCount = options.MaxOutputTokens, Temperature = options.Temperature };
        ChatCompletion completion = await client.CompleteChatAsync(request, completionOptions, cancellationToken).ConfigureAwait(false);
        var text = string.Concat(completion.Content.Select(part => part.Text));
        return new ChatResponse(new AIChatMessage(ChatRole.Assistant, text))
        {
            ModelId = completion.Model,
            ResponseId = completion.Id,
            CreatedAt = completion.CreatedAt,
            Usage = completion.Usage is { } usage
                ? new UsageDetails { InputTokenCount = usage.InputTokenCount, OutputTokenCount = usage.OutputTokenCount, TotalTokenCount = usage.TotalTokenCount }
                : null,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The llm task makes whole calls; streaming is offered by replaying the whole response.
        var response = await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType?.IsInstanceOfType(this) == true ? this : null;

    public void Dispose()
    {
    }
}
