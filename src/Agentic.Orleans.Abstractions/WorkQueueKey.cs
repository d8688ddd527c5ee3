namespace Agentic.Orleans;

/// <summary>A tenant's work queue key: <c>{tenant}/{queue}</c> (queues are per tenant, like graphs).</summary>
public static class WorkQueueKey
{
    public static string Of(string tenantId, string queue)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        return tenantId.Contains('/', StringComparison.Ordinal)
            ? throw new ArgumentException($"tenant id '{tenantId}' contains '/'", nameof(tenantId))
            : tenantId + "/" + queue;
    }
}
