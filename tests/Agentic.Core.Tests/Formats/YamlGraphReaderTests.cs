using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;

namespace Agentic.Core.Tests.Formats;

public class YamlGraphReaderTests
{
    private const string Hello = """
        graph: hello
        version: 1.0.0
        nodes:
          - { name: work,   kind: task, type: counter, retry: { max_attempts: 3, backoff: 250ms }, timeout: 5s }
          - { name: decide, kind: plan, type: route,
              config: { rules: [ { when: "result.count >= 10", to: [end] } ], otherwise: [work], n: 3, f: 1.5, flag: true, none: ~, quoted: "42" } }
        edges:
          - { from: work,   to: decide }
          - { from: decide, to: work }
          - { from: decide, to: end, kind: final }
        """;

    [Fact]
    public void ReadsNodesEdgesConfigRetryAndTimeout()
    {
        var g = YamlGraphReader.Read(Hello, "hello.yaml");
        Assert.Equal("hello", g.Name);
        Assert.Equal("1.0.0", g.Version.ToString());
        Assert.Equal("work", g.Start);
        var work = g.GetNode("work");
        Assert.Equal(NodeKind.Task, work.Kind);
        Assert.Equal(3, work.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(250), work.Retry.Backoff);
        Assert.Equal(TimeSpan.FromSeconds(5), work.Timeout);
        Assert.Equal(new SourceLocation("hello.yaml", 4, 5), work.Location);
        var config = g.GetNode("decide").Config;
        Assert.Equal(3, config.GetProperty("n").GetInt32());
        Assert.Equal(1.5, config.GetProperty("f").GetDouble());
        Assert.True(config.GetProperty("flag").GetBoolean());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, config.GetProperty("none").ValueKind);
        Assert.Equal("42", config.GetProperty("quoted").GetString());
        Assert.Equal(EdgeKind.Final, g.Edges[2].Kind);
        Assert.True(g.Edges[2].IsToEnd);
    }

    [Fact]
    public void SameGraphFromYamlBuilderAndDot_HasSameContentHash()
    {
        var yaml = YamlGraphReader.Read("""
            graph: g
            version: 2.1.0
            nodes:
              - { name: a, kind: task, type: counter, config: { by: 2 } }
              - { name: p, kind: plan, type: all }
            edges:
              - { from: a, to: p }
              - { from: p, to: a, when: "result.count < 5" }
              - { from: p, to: end, kind: final }
            """, "g.yaml");
        var built = new GraphBuilder("g", "2.1.0")
            .Task("a", "counter", o => o.Config(new { by = 2 }))
            .Plan("p", "all")
            .Edge("a", "p").Edge("p", "a", when: "result.count < 5").Final("p")
            .Build();
        var dot = DotGraphReader.Read("""
            digraph g {
              graph [version="2.1.0"];
              a [type="task", impl="counter", config="{\"by\": 2}"];
              p [type="plan", impl="all"];
              a -> p;
              p -> a [when="result.count < 5"];
              p -> end [kind="final"];
            }
            """, "g.dot");
        Assert.Equal(built.ContentHash, yaml.ContentHash);
        Assert.Equal(built.ContentHash, dot.ContentHash);
        Assert.Equal(built.ContentHash, CanonicalGraph.FromJson(CanonicalGraph.ToJson(built)).ContentHash);
        Assert.Equal(built.ContentHash, DotGraphReader.Read(DotRenderer.Render(built), "r.dot").ContentHash);
    }

    [Fact]
    public void ChangingAnythingThatExecutes_ChangesTheHash()
    {
        var a = new GraphBuilder("g").Task("a", "counter").Plan("p", "all").Edge("a", "p").Final("p").Build();
        var b = new GraphBuilder("g").Task("a", "counter", o => o.Retry(2, TimeSpan.FromSeconds(1))).Plan("p", "all").Edge("a", "p").Final("p").Build();
        var c = new GraphBuilder("g").Task("a", "counter").Plan("p", "all").Edge("a", "p").Final("p", when: "true").Build();
        Assert.NotEqual(a.ContentHash, b.ContentHash);
        Assert.NotEqual(a.ContentHash, c.ContentHash);
    }

    [Theory]
    [InlineData("graph: g\nversion: 1.0.0\nnodes:\n  - { name: a, kind: task, type: echo, colour: red }\n", "g.yaml:4:40: error AG006: unknown node key 'colour' (allowed: name, kind, type, config, retry, timeout, description)")]
    [InlineData("graph: g\nversion: one\nnodes: []\n", "g.yaml:2:10: error AG003: version 'one' is not a semantic version")]
    [InlineData("graph: g\nversion: 1.0.0\nnodes:\n  - { name: a, kind: tsk, type: echo }\n", "g.yaml:4:22: error AG011: node 'a': kind 'tsk' is not task or plan")]
    [InlineData("graph: g\nversion: 1.0.0\nnodes:\n  - { kind: task, type: echo }\n", "g.yaml:4:5: error AG007: missing 'name' (the node's name)")]
    [InlineData("graph: g\nversion: 1.0.0\nnodes:\n  - { name: a, kind: task, type: echo, timeout: soon }\n", "g.yaml:4:49: error AG016: node 'a': timeout must be a duration like 250ms, 5s, 2m or 1h")]
    [InlineData("graph: g\nversion: 1.0.0\nnodes:\n  - { name: a, kind: task, type: echo, retry: { max_attempts: 0 } }\n", "g.yaml:4:63: error AG009: retry.max_attempts must be a whole number of at least 1")]
    [InlineData("graph: g\nversion: 1.0.0\nnodes: []\nedges:\n  - { from: a, to: b, kind: sideways }\n", "g.yaml:5:29: error AG021: edge a -> b: kind 'sideways' is not one of normal, parallel, join, final")]
    [InlineData("graph: g\nversion: 1.0.0\nnodes: [\n", "g.yaml:4:1: error AG001: not valid YAML")]
    [InlineData("- just\n- a list\n", "g.yaml:1:1: error AG002: a graph file must be a YAML mapping")]
    [InlineData("graph: g\nversion: 1.0.0\niteration_cap: -3\nnodes: []\n", "g.yaml:3:16: error AG009: iteration_cap must be a whole number of at least 1")]
    public void Errors_NameFileLineColumnAndWhatIsWrong(string yaml, string expected)
    {
        var ex = Assert.Throws<GraphValidationException>(() => YamlGraphReader.Read(yaml, "g.yaml"));
        Assert.Contains(ex.Diagnostics, d => d.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void ReportsEveryErrorNotJustTheFirst()
    {
        var ex = Assert.Throws<GraphValidationException>(() => YamlGraphReader.Read("graph: g\nversion: x\nnodes:\n  - { name: a }\n", "g.yaml"));
        Assert.Contains(ex.Diagnostics, d => d.Code == "AG003");
        Assert.Equal(2, ex.Diagnostics.Count(d => d.Code == "AG007"));
    }
}
