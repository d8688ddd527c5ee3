using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Runtime.Diagnostics;

namespace Agentic.Orleans.Tests;

/// <summary>Spans and metrics from durable records: one trace per lifetime, one span per execution record, none on re-activation.</summary>
public sealed class TelemetryTests(LifetimeClusterFixture fixture) : IClassFixture<LifetimeClusterFixture>, IDisposable
{
    private readonly ConcurrentBag<Activity> _spans = [];
    private readonly ConcurrentBag<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private ActivityListener? _activities;
    private MeterListener? _meters;

    private void Listen()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == AgenticTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Add,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener { InstrumentPublished = (instrument, listener) => { if (instrument.Meter.Name == AgenticTelemetry.MeterName) { listener.EnableMeasurementEvents(instrument); } } };
        _meters.SetMeasurementEventCallback<long>((i, v, tags, _) => _measurements.Add((i.Name, v, Tags(tags))));
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => _measurements.Add((i.Name, v, Tags(tags))));
        _meters.Start();
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var all = new Dictionary<string, object?>();
        foreach (var (k, v) in tags)
        {
            all[k] = v;
        }

        return all;
    }

    public void Dispose()
    {
        _activities?.Dispose();
        _meters?.Dispose();
    }

    private List<Activity> SpansOf(string lifetimeId) => _spans.Where(s => (string?)s.GetTagItem("agentic.lifetime_id") == lifetimeId).ToList();

    [Fact]
    public async Task EachExecutionRecord_IsOneSpanInTheLifetimesTrace_AndReActivationEmitsNoneAgain()
    {
        Listen();
        var graph = GraphReader.Parse(File.ReadAllText(RepoPaths.Sample("hello")), "hello.yaml").CanonicalJson;
        var lifetime = fixture.Grains.GetGrain<IAgentLifetimeGrain>(Guid.NewGuid().ToString("N"));
        var id = (await lifetime.StartAsync(new StartLifetimeCommand(graph, "acme", PayloadData.FromJson("""{"count":0}"""), null))).LifetimeId;
        Assert.Equal("completed", (await lifetime.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30))).Phase);

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(id));
        var trace = ActivityTraceId.CreateFromBytes(hash.AsSpan(0, 16));
        var root = ActivitySpanId.CreateFromBytes(hash.AsSpan(16, 8));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (SpansOf(id).Count < 21 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var spans = SpansOf(id);
        Assert.Equal(20, spans.Count(s => s.DisplayName.StartsWith("execute ", StringComparison.Ordinal)));
        Assert.Single(spans, s => s.DisplayName == "lifetime" && (string?)s.GetTagItem("agentic.phase") == "completed");
        Assert.All(spans, s => Assert.Equal((trace, root), (s.TraceId, s.ParentSpanId)));
        Assert.Equal(20, spans.Select(s => s.GetTagItem("agentic.execution_id")).Where(x => x is not null).Distinct().Count());
        Assert.All(spans, s => Assert.True(s.Duration >= TimeSpan.Zero));
        Assert.Contains(_measurements, m => m.Instrument == "agentic.execution.duration" && (string?)m.Tags["agentic.node.type"] == "counter");
        Assert.Contains(_measurements, m => m.Instrument == "agentic.lifetimes.ended" && (string?)m.Tags["agentic.phase"] == "completed" && (string?)m.Tags["agentic.tenant"] == "acme");

        // A parked lifetime re-activated from its journal makes no span for the records it replays.
        var approval = GraphReader.Parse(File.ReadAllText(RepoPaths.Sample("approval")), "approval.yaml").CanonicalJson;
        var parked = fixture.Grains.GetGrain<IAgentLifetimeGrain>(Guid.NewGuid().ToString("N"));
        var parkedId = (await parked.StartAsync(new StartLifetimeCommand(approval, "acme", null, null))).LifetimeId;
        var waiting = await parked.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(100);
        var before = SpansOf(parkedId).Count;
        await fixture.Cluster.DeactivateAsync(parked);
        Assert.Equal("waiting", (await parked.InspectAsync()).Phase);
        await Task.Delay(100);
        Assert.Equal(before, SpansOf(parkedId).Count);
        await parked.ProvideInputAsync(waiting.Awaiting[0].ExecutionId, PayloadData.FromJson("""{"ok":true}"""), "ada");
        await parked.WhenSettledAsync().WaitAsync(TimeSpan.FromSeconds(30));
        while (SpansOf(parkedId).Count < before + 2 && DateTime.UtcNow < deadline.AddSeconds(10))
        {
            await Task.Delay(20);
        }

        Assert.Equal(before + 2, SpansOf(parkedId).Count); // the answered input's record and the lifetime
    }
}
