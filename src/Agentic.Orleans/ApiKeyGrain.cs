namespace Agentic.Orleans;

/// <summary>One API key, by the hash of its secret: the tenant it authenticates. Bound and unbound by the tenant's grain.</summary>
internal sealed class ApiKeyGrain(
    [PersistentState("api-key", AgenticSiloBuilderExtensions.StorageName)] IPersistentState<ApiKeyRecord> record) : Grain, IApiKeyGrain, IApiKeyBinding
{
    public Task<string?> GetTenantAsync() => Task.FromResult(record.State.TenantId);

    public async Task BindAsync(string tenantId)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        if (record.State.TenantId is { } bound && bound != tenantId)
        {
            throw new InvalidOperationException("this key is bound to another tenant");
        }

        record.State.TenantId = tenantId;
        await record.WriteStateAsync();
    }

    public async Task UnbindAsync()
    {
        record.State.TenantId = null;
        await record.WriteStateAsync();
    }
}
