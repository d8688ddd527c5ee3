using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace Agentic.Runtime.Models;

/// <summary>The chat clients registered by provider name; each is created once, on first use, and disposed with the container.</summary>
public sealed class ChatClientCatalog : IDisposable
{
    private readonly IServiceProvider _services;
    private readonly Dictionary<string, ChatClientRegistration> _registrations;
    private readonly ConcurrentDictionary<string, Lazy<IChatClient>> _clients = new(StringComparer.Ordinal);

    public ChatClientCatalog(IServiceProvider services, IEnumerable<ChatClientRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        _services = services;
        _registrations = new Dictionary<string, ChatClientRegistration>(StringComparer.Ordinal);
        foreach (var r in registrations)
        {
            _registrations[r.Provider] = r; // the last registration of a name wins
        }
    }

    public IReadOnlyCollection<string> Providers => _registrations.Keys;

    public bool Has(string provider) => _registrations.ContainsKey(provider);

    public IChatClient Get(string provider) =>
        _registrations.TryGetValue(provider, out var registration)
            ? _clients.GetOrAdd(provider, _ => new Lazy<IChatClient>(() => registration.Create(_services))).Value
            : throw new InvalidOperationException($"no chat client is registered as provider '{provider}' (registered: {string.Join(", ", _registrations.Keys.Order(StringComparer.Ordinal))})");

    public void Dispose()
    {
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated))
        {
            client.Value.Dispose();
        }
    }
}
