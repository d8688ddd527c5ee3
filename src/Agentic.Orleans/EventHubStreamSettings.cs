namespace Agentic.Orleans;

/// <summary>
/// Azure Event Hubs as the references' stream provider (<c>Agentic:Streams:EventHubs:*</c>). The provider keeps its
/// read positions (checkpoints) in Azure Table storage.
/// </summary>
public sealed class EventHubStreamSettings
{
    /// <summary>The namespace's connection string (<c>Endpoint=sb://…;SharedAccessKeyName=…;SharedAccessKey=…</c>). Required.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The event hub's name. Required.</summary>
    public string? EventHubName { get; set; }

    /// <summary>The consumer group the silos read with; give the cluster one of its own.</summary>
    public string ConsumerGroup { get; set; } = "$Default";

    /// <summary>Connection string of the Azure Table storage account holding the checkpoints. Required.</summary>
    public string? CheckpointConnectionString { get; set; }

    /// <summary>The table of checkpoints.</summary>
    public string CheckpointTable { get; set; } = "agenticcheckpoints";
}
