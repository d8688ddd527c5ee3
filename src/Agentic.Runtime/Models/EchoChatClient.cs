using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Agentic.Runtime.Models;

/// <summary>
/// <c>provider: echo</c>: a deterministic offline chat client. It answers <c>echo: </c> and the last user message
/// (cut to <see cref="ChatOptions.MaxOutputTokens"/>), and reports usage computed from text length (one token per
/// four characters, rounded up), so graphs, budgets and costs can be tried from YAML with no model and no network.
/// </summary>
public sealed class EchoChatClient : IChatClient
{
    public const string DefaultModel = "echo";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        var list = messages as IReadOnlyList<ChatMessage> ?? messages.ToList();
        var inputTokens = Tokens(options?.Instructions);
        var last = string.Empty;
        foreach (var message in list)
        {
            inputTokens += Tokens(message.Text);
            if (message.Role == ChatRole.User)
            {
                last = message.Text;
            }
        }

        var answer = "echo: " + last;
        if (options?.MaxOutputTokens is { } max && answer.Length > max * 4L)
        {
            answer = answer[..(max * 4)];
        }

        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, answer))
        {
            ModelId = options?.ModelId ?? DefaultModel,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = Tokens(answer), TotalTokenCount = inputTokens + Tokens(answer) },
        };
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
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

    /// <summary>One token per four characters, rounded up: the usual rule of thumb for English text.</summary>
    public static long Tokens(string? text) => string.IsNullOrEmpty(text) ? 0 : (text.Length + 3) / 4;
}
