using System.Collections.Frozen;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Runtime.Nodes;

/// <summary>The registered Task and Plan types; resolves handlers from DI and validates node configuration.</summary>
public sealed class NodeRegistry : INodeTypeCatalog
{
    private readonly IServiceProvider _services;
    private readonly FrozenDictionary<string, NodeRegistration> _byName;
    private readonly Func<Type, bool>? _isSingleton;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, object?> _handlerCache = new();

    /// <param name="isSingleton">Whether a handler type is registered as a singleton: its instance is then resolved once, not per execution.</param>
    public NodeRegistry(IServiceProvider services, IEnumerable<NodeRegistration> registrations, Func<Type, bool>? isSingleton = null)
    {
        _services = services;
        _isSingleton = isSingleton;
        var map = new Dictionary<string, NodeRegistration>(StringComparer.Ordinal);
        foreach (var r in registrations)
        {
            // Last registration wins so applications can replace a built-in type.
            map[r.TypeName] = r;
        }

        _byName = map.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<NodeRegistration> Registrations => _byName.Values.OrderBy(r => r.Kind).ThenBy(r => r.TypeName, StringComparer.Ordinal);

    public bool TryGetKind(string type, out NodeKind kind)
    {
        if (_byName.TryGetValue(type, out var r))
        {
            kind = r.Kind;
            return true;
        }

        kind = default;
        return false;
    }

    public IEnumerable<string> TypeNames(NodeKind kind) => _byName.Values.Where(r => r.Kind == kind).Select(r => r.TypeName);

    public IEnumerable<string> ValidateNode(GraphNode node, AgentGraph graph)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!_byName.TryGetValue(node.Type, out var r))
        {
            return [];
        }

        return _services.GetRequiredService(r.HandlerType) is INodeConfigValidator validator ? validator.Validate(node, graph) : [];
    }

    public ITaskHandler ResolveTask(string type) => (ITaskHandler)Resolve(type, NodeKind.Task);

    public IPlanHandler ResolvePlan(string type) => (IPlanHandler)Resolve(type, NodeKind.Plan);

    private object Resolve(string type, NodeKind kind)
    {
        if (!_byName.TryGetValue(type, out var r) || r.Kind != kind)
        {
            var known = string.Join(", ", TypeNames(kind).Order(StringComparer.Ordinal));
            throw new InvalidOperationException($"no {kind.ToString().ToLowerInvariant()} type '{type}' is registered (registered: {known})");
        }

        // The cache holds the instance of a singleton handler, and null for one resolved afresh each time (decided once).
        if (!_handlerCache.TryGetValue(r.HandlerType, out var handler))
        {
            handler = _services.GetRequiredService(r.HandlerType);
            _handlerCache.TryAdd(r.HandlerType, _isSingleton?.Invoke(r.HandlerType) == true ? handler : null);
            return handler;
        }

        return handler ?? _services.GetRequiredService(r.HandlerType);
    }
}
