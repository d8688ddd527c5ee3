using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Nodes;
using Microsoft.Extensions.DependencyInjection;

using Agentic.Tests;

namespace Agentic.Runtime.Tests.Nodes;

public class NodeContextTests
{
    [Fact]
    public async Task TelemetryRecordedAfterTheNodeReturned_IsRefused_AndTheRecordKeepsWhatCameBefore()
    {
        var late = new LateTelemetryTask();
        await using var t = await TestRuntime.StartAsync(nodes: b => { b.Services.AddSingleton(late); b.AddTask<LateTelemetryTask>("late"); });
        var graph = new GraphBuilder("late").Task("work", "late").Plan("p", "all").Edge("work", "p").Final("p").Build();

        var (outcome, journal) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        var error = Assert.Throws<InvalidOperationException>(() => late.Kept!.RecordTokens(1_000, 0));
        Assert.Contains("has finished: telemetry must be recorded before the node returns", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => late.Kept!.RecordCost(1));
        var work = journal.OfType<ExecutionEntry>().Single(e => e.NodeName == "work");
        Assert.Equal(7, work.Telemetry.InputTokens);
    }

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public async Task ACostThatIsNotAFiniteNumber_FailsTheExecution_NamingTheCost(double usd)
    {
        var late = new LateTelemetryTask { Cost = usd };
        await using var t = await TestRuntime.StartAsync(nodes: b => { b.Services.AddSingleton(late); b.AddTask<LateTelemetryTask>("late"); });
        var graph = new GraphBuilder("cost").Task("work", "late").Plan("p", "all").Edge("work", "p").Final("p").Build();

        var (outcome, _) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.Contains("cost must be a finite number of US dollars", outcome.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ServiceLifetime.Singleton, 1)]
    [InlineData(ServiceLifetime.Transient, 2)]
    public async Task Handlers_AreResolvedWithTheirRegisteredLifetime(ServiceLifetime lifetime, int instances)
    {
        await using var t = await TestRuntime.StartAsync(nodes: b => b.AddTask<InstanceTask>("instance", lifetime: lifetime));
        var graph = new GraphBuilder("instances")
            .Task("a", "instance").Plan("p", "all").Task("b", "instance").Plan("q", "all")
            .Edge("a", "p").Edge("p", "b").Edge("b", "q").Final("q")
            .Build();

        var (outcome, journal) = await t.RunAsync(graph);

        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        var ids = journal.OfType<ExecutionEntry>().Where(e => e.NodeType == "instance").Select(e => e.Result!.Json.GetProperty("instance").GetString()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Equal(instances, ids.Distinct().Count());
    }

    private sealed class LateTelemetryTask : ITaskHandler
    {
        public double Cost { get; init; }

        public NodeContext? Kept { get; private set; }

        public ValueTask<Payload> ExecuteAsync(TaskContext context)
        {
            Kept = context;
            context.RecordTokens(7, 0);
            context.RecordCost(Cost);
            return ValueTask.FromResult(context.Input);
        }
    }

    private sealed class InstanceTask : ITaskHandler
    {
        private readonly string _id = Guid.NewGuid().ToString("N");

        public ValueTask<Payload> ExecuteAsync(TaskContext context) =>
            ValueTask.FromResult(Payload.FromJson($$"""{"instance":"{{_id}}"}"""));
    }
}
