namespace Agentic.Orleans;

/// <summary>The tenant grain's side of an API key grain: binds the key to its tenant, or unbinds it.</summary>
[Alias("agentic.IApiKeyBinding")]
public interface IApiKeyBinding : IGrainWithStringKey
{
    [Alias("bind")]
    Task BindAsync(string tenantId);

    [Alias("unbind")]
    Task UnbindAsync();
}
