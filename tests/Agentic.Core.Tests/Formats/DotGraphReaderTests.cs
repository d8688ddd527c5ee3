using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;

namespace Agentic.Core.Tests.Formats;

public class DotGraphReaderTests
{
    [Fact]
    public void ReadsTheOriginalBundleFormat()
    {
        // As in the original framework's bundles: type gives the kind, visual attributes are ignored,
        // and a node's implementation defaults to its own name.
        var g = DotGraphReader.Read("""
            digraph ParallelTasksGraph {
                // Graph attributes
                rankdir=TB;
                node [shape=box, style=filled];
                plan_data_collection [label="Data Collection Plan", type="plan"];
                task_fetch_user_data [label="Fetch User Data", type="task"];
                task_fetch_product_data [label="Fetch Product Data", type="task"];
                /* edges */
                plan_data_collection -> task_fetch_user_data [kind=parallel];
                plan_data_collection -> task_fetch_product_data [kind=parallel, when="input.products"];
            }
            """, "bundle.dot");
        Assert.Equal("ParallelTasksGraph", g.Name);
        Assert.Equal("1.0.0", g.Version.ToString());
        Assert.Equal("plan_data_collection", g.Start);
        Assert.Equal(NodeKind.Plan, g.GetNode("plan_data_collection").Kind);
        Assert.Equal("task_fetch_user_data", g.GetNode("task_fetch_user_data").Type);
        Assert.All(g.Edges, e => Assert.Equal(EdgeKind.Parallel, e.Kind));
        Assert.Equal("input.products", g.Edges[1].When);
        Assert.Equal(new SourceLocation("bundle.dot", 10, 5), g.Edges[1].Location);
    }

    [Fact]
    public void EdgeChainsAndEndAreUnderstood()
    {
        var g = DotGraphReader.Read("""
            digraph loop {
              graph [version="1.2.3", start="a", iteration_cap=7];
              a [type=task, impl=counter, max_attempts=3, backoff="50ms", timeout="2s"];
              p [type=plan, impl=all];
              end [shape=doublecircle];
              a -> p -> a;
              p -> end;
            }
            """, "loop.dot");
        Assert.Equal(7, g.IterationCap);
        Assert.Equal(3, g.GetNode("a").Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(2), g.GetNode("a").Timeout);
        Assert.Equal(3, g.Edges.Count);
        Assert.Equal(EdgeKind.Final, g.Edges[2].Kind);
        Assert.Equal(2, g.Nodes.Count);
    }

    [Theory]
    [InlineData("graph g { a [type=task]; }", "g.dot:1:1: error AG050: agent graphs are directed: use 'digraph', not 'graph'")]
    [InlineData("digraph g {\n  a [type=task];\n  a -> b;\n}", "g.dot:3:3: error AG057: edge a -> b uses node 'b' that is never declared")]
    [InlineData("digraph g {\n  a [label=\"A\"];\n}", "g.dot:2:3: error AG052: node 'a' needs type=\"task\" or type=\"plan\"")]
    [InlineData("digraph g {\n  a [type=task, config=\"{oops\"];\n}", "g.dot:2:24: error AG054: node 'a': config is not a JSON object")]
    [InlineData("digraph g {\n  a [type=task\n}", "g.dot:3:1: error AG050: expected an attribute name but found '}'")]
    [InlineData("digraph g {\n  a [type=task];\n  a -> b [kind=sideways];\n  b [type=plan];\n}", "g.dot:3:16: error AG056: edge a -> b: kind 'sideways'")]
    [InlineData("digraph g { a [type=task];", "g.dot:1:27: error AG050: missing closing '}'")]
    public void Errors_NameFileLineColumnAndWhatIsWrong(string dot, string expected)
    {
        var ex = Assert.Throws<GraphValidationException>(() => DotGraphReader.Read(dot, "g.dot"));
        Assert.Contains(ex.Diagnostics, d => d.ToString().StartsWith(expected, StringComparison.Ordinal));
    }
}
