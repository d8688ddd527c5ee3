using Microsoft.Extensions.AI;

namespace Agentic.Runtime.Models;

/// <summary>A chat client the <c>llm</c> task can name as <c>provider:</c>, created on first use.</summary>
public sealed record ChatClientRegistration(string Provider, Func<IServiceProvider, IChatClient> Create, string Description);
