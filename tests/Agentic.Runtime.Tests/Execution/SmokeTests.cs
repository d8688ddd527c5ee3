using Agentic.Core.Execution;
using Agentic.Core.Formats;

namespace Agentic.Runtime.Tests.Execution;

public class SmokeTests
{
    [Fact]
    public async Task HelloLoop_CountsToTen()
    {
        await using var t = await TestRuntime.StartAsync();
        var runtime = t.Runtime;
        var graph = GraphReader.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples/hello/graph.yaml")), "graph.yaml");
        var outcome = await runtime.RunAsync(graph).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
        Assert.Equal(10, outcome.Result!.Json.GetProperty("count").GetInt32());
        Assert.Equal(20, outcome.Executions);
        Assert.Equal(10, outcome.Iterations);
    }
}
