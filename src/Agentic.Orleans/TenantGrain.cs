using System.Text.RegularExpressions;

namespace Agentic.Orleans;

/// <summary>
/// A tenant and its API keys, in grain storage <c>agentic</c>. Issuing a key binds its hash to the tenant before the
/// tenant lists it; revoking unbinds it first, so a listed key always works and a revoked one never does.
/// </summary>
internal sealed partial class TenantGrain(
    [PersistentState("tenant", AgenticSiloBuilderExtensions.StorageName)] IPersistentState<TenantRecord> record,
    TimeProvider time) : Grain, ITenantGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<TenantInfo> CreateAsync(string? displayName)
    {
        if (!ValidId().IsMatch(Id))
        {
            throw new ArgumentException($"tenant id '{Id}' must be 1-63 lowercase letters, digits or '-', starting with a letter or digit");
        }

        if (record.State.CreatedAt is not null)
        {
            throw new InvalidOperationException($"tenant '{Id}' exists");
        }

        record.State.CreatedAt = time.GetUtcNow();
        record.State.DisplayName = displayName;
        await record.WriteStateAsync();
        return Info();
    }

    public Task<TenantInfo?> GetAsync() => Task.FromResult(record.State.CreatedAt is null ? null : Info());

    public async Task<IssuedApiKey> IssueKeyAsync(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (record.State.CreatedAt is null)
        {
            throw new KeyNotFoundException($"tenant '{Id}' does not exist");
        }

        var secret = ApiKeySecret.New();
        var hash = ApiKeySecret.Hash(secret);
        var keyId = "key_" + hash[..12];
        await GrainFactory.GetGrain<IApiKeyBinding>(hash).BindAsync(Id);
        var key = new TenantKeyRecord(name, time.GetUtcNow(), hash);
        record.State.Keys[keyId] = key;
        await record.WriteStateAsync();
        return new IssuedApiKey(Id, new ApiKeyInfo(keyId, name, key.CreatedAt), secret);
    }

    public async Task<bool> RevokeKeyAsync(string keyId)
    {
        if (!record.State.Keys.TryGetValue(keyId, out var key))
        {
            return false;
        }

        await GrainFactory.GetGrain<IApiKeyBinding>(key.Hash).UnbindAsync();
        record.State.Keys.Remove(keyId);
        await record.WriteStateAsync();
        return true;
    }

    private TenantInfo Info() => new(Id, record.State.DisplayName, record.State.CreatedAt!.Value, record.State.Keys.Select(k => new ApiKeyInfo(k.Key, k.Value.Name, k.Value.CreatedAt)).OrderBy(k => k.CreatedAt).ToList());

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex ValidId();
}
