using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Streams;

namespace Agentic.Orleans.Tests;

/// <summary>
/// The references' stream provider is configuration: memory by default, Azure Event Hubs by <c>Agentic:Streams</c>.
/// No Event Hubs endpoint exists here, so these check how the silo is configured, not that it connects.
/// </summary>
public sealed class StreamProviderConfigurationTests
{
    private static IHost Silo(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddAgentic());
        return builder.Build();
    }

    private static readonly Dictionary<string, string?> EventHubs = new()
    {
        ["Agentic:Streams:Provider"] = "eventhubs",
        ["Agentic:Streams:EventHubs:ConnectionString"] = "Endpoint=sb://agentic-test.servicebus.windows.net/;SharedAccessKeyName=silo;SharedAccessKey=c2VjcmV0",
        ["Agentic:Streams:EventHubs:EventHubName"] = "journal",
        ["Agentic:Streams:EventHubs:ConsumerGroup"] = "agentic-silos",
        ["Agentic:Streams:EventHubs:CheckpointConnectionString"] = "DefaultEndpointsProtocol=https;AccountName=agentictest;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net",
    };

    [Fact]
    public void ByDefault_TheReferencesTravelOnMemoryStreams()
    {
        using var silo = Silo([]);
        var factory = silo.Services.GetRequiredKeyedService<IQueueAdapterFactory>("agentic");
        Assert.Contains("Memory", factory.GetType().Name, StringComparison.Ordinal);
    }

    [Fact]
    public void EventHubs_IsSelectedByConfiguration_WithTheHubAndConsumerGroupGiven()
    {
        using var silo = Silo(EventHubs);

        var factory = silo.Services.GetRequiredKeyedService<IQueueAdapterFactory>("agentic");
        Assert.Equal("EventHubAdapterFactory", factory.GetType().Name);
        var options = silo.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<global::Orleans.Configuration.EventHubOptions>>().Get("agentic");
        // The options keep a factory of the connection (nothing connects before the silo starts): it names the hub.
        var create = (Delegate)options.GetType().GetProperty("CreateConnection", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!.GetValue(options)!;
        var connection = (Azure.Messaging.EventHubs.EventHubConnection)create.DynamicInvoke(new Azure.Messaging.EventHubs.EventHubConnectionOptions())!;
        Assert.Equal(("agentic-test.servicebus.windows.net", "journal"), (connection.FullyQualifiedNamespace, connection.EventHubName));
        Assert.Equal("agentic-silos", options.GetType().GetProperty("ConsumerGroup", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!.GetValue(options));
        var checkpoints = silo.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<global::Orleans.Configuration.AzureTableStreamCheckpointerOptions>>().Get("agentic");
        Assert.Equal("agenticcheckpoints", checkpoints.TableName);
        Assert.NotNull(checkpoints.TableServiceClient);
    }

    [Theory]
    [InlineData("Agentic:Streams:EventHubs:EventHubName", "Agentic:Streams:EventHubs:EventHubName is not set")]
    [InlineData("Agentic:Streams:EventHubs:CheckpointConnectionString", "Agentic:Streams:EventHubs:CheckpointConnectionString is not set")]
    public void EventHubs_WithoutARequiredSetting_IsRefusedNamingIt(string left, string expected)
    {
        var settings = new Dictionary<string, string?>(EventHubs) { [left] = null };
        var ex = Assert.ThrowsAny<Exception>(() => Silo(settings).Dispose());
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownProvider_IsRefused()
    {
        var ex = Assert.ThrowsAny<Exception>(() => Silo(new() { ["Agentic:Streams:Provider"] = "kafka" }).Dispose());
        Assert.Contains("'kafka' is not one of memory, eventhubs", ex.Message, StringComparison.Ordinal);
    }
}
