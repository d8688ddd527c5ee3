namespace Agentic.Orleans;

/// <summary>
/// Which Orleans stream provider carries the record references, from configuration section <c>Agentic:Streams</c>
/// (appsettings, or environment variables such as <c>Agentic__Streams__Provider=eventhubs</c>).
/// </summary>
public sealed class AgenticStreamOptions
{
    public const string Section = "Agentic:Streams";

    /// <summary><c>memory</c> (default: one process, or references lost with a silo and repaired from the store) or <c>eventhubs</c>.</summary>
    public string Provider { get; set; } = "memory";

    /// <summary>Azure Event Hubs settings, for <c>Provider = eventhubs</c>.</summary>
    public EventHubStreamSettings EventHubs { get; set; } = new();
}
