using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Core.Validation;

namespace Agentic.Core.Tests.Validation;

public class GraphValidatorTests
{
    private static IReadOnlyList<GraphDiagnostic> Validate(string body)
    {
        var yaml = "graph: g\nversion: 1.0.0\n" + body;
        return GraphValidator.Validate(YamlGraphReader.Read(yaml, "g.yaml"), TestCatalog.Instance);
    }

    private static void AssertDiagnostic(IReadOnlyList<GraphDiagnostic> diagnostics, string code, string message, int? line = null)
    {
        var d = Assert.Single(diagnostics, d => d.Code == code);
        Assert.Contains(message, d.Message, StringComparison.Ordinal);
        if (line is not null)
        {
            Assert.Equal(line, d.Location?.Line);
        }
    }

    private const string Loop = """
        nodes:
          - { name: a, kind: task, type: counter }
          - { name: p, kind: plan, type: route }
        edges:
          - { from: a, to: p }
          - { from: p, to: a }
          - { from: p, to: end, kind: final }

        """;

    [Fact]
    public void ValidLoop_HasNoDiagnostics() => Assert.Empty(Validate(Loop));

    [Fact]
    public void UnknownType_ListsRegisteredTypesOfThatKind() =>
        AssertDiagnostic(Validate(Loop.Replace("type: counter", "type: countr", StringComparison.Ordinal)), "AG112",
            "task 'a' has unknown type 'countr'; registered task types: counter, echo", line: 4);

    [Fact]
    public void TypeOfTheOtherKind_IsRefused() =>
        AssertDiagnostic(Validate(Loop.Replace("type: counter", "type: route", StringComparison.Ordinal)), "AG113",
            "node 'a' is declared as a task but type 'route' is a plan implementation");

    [Fact]
    public void BadConfig_IsReportedWithNode() =>
        AssertDiagnostic(Validate(Loop.Replace("type: counter }", "type: counter, config: { bad: 1 } }", StringComparison.Ordinal)), "AG114",
            "task 'a' (counter): config.bad is not allowed");

    [Fact]
    public void DuplicateNames_PointAtTheFirstDeclaration() =>
        AssertDiagnostic(Validate(Loop.Replace("  - { name: p, kind: plan, type: route }", "  - { name: p, kind: plan, type: route }\n  - { name: a, kind: task, type: echo }", StringComparison.Ordinal)), "AG110",
            "duplicate node name 'a' (first declared at line 4)", line: 6);

    [Fact]
    public void DanglingEdges_NameTheMissingNode()
    {
        var d = Validate(Loop + "  - { from: ghost, to: p }\n  - { from: p, to: nowhere }\n");
        AssertDiagnostic(d, "AG120", "edge ghost -> p starts at unknown node 'ghost' (nodes: a, p)", line: 10);
        AssertDiagnostic(d, "AG121", "edge p -> nowhere ends at unknown node 'nowhere'", line: 11);
    }

    [Fact]
    public void TaskToTask_AndPlanToPlan_AreRefused()
    {
        var d = Validate("""
            nodes:
              - { name: a, kind: task, type: counter }
              - { name: b, kind: task, type: counter }
              - { name: p, kind: plan, type: route }
              - { name: q, kind: plan, type: route }
            edges:
              - { from: a, to: b }
              - { from: a, to: p }
              - { from: p, to: q }
              - { from: q, to: end, kind: final }
              - { from: p, to: b }
              - { from: b, to: q }

            """);
        AssertDiagnostic(d, "AG124", "edge a -> b connects two tasks; tasks hand their result to a plan", line: 9);
        AssertDiagnostic(d, "AG125", "edge p -> q connects two plans; plans choose tasks", line: 11);
    }

    [Fact]
    public void FinalAndEndMustGoTogether()
    {
        var d = Validate(Loop.Replace("{ from: p, to: end, kind: final }", "{ from: p, to: end }\n  - { from: a, to: p, kind: final }", StringComparison.Ordinal));
        AssertDiagnostic(d, "AG123", "edge p -> end must have kind final (it has kind normal)");
        AssertDiagnostic(d, "AG122", "final edge a -> p must target 'end'");
    }

    [Fact]
    public void ParallelAndJoin_MustPointTheRightWay()
    {
        var d = Validate(Loop + "  - { from: a, to: p, kind: parallel }\n  - { from: p, to: a, kind: join }\n");
        AssertDiagnostic(d, "AG126", "parallel edge a -> p must go from a plan to a task");
        AssertDiagnostic(d, "AG127", "join edge p -> a must go from a task to a plan");
    }

    [Fact]
    public void UnreachableNodes_AreErrors() =>
        AssertDiagnostic(Validate(Loop.Replace("edges:", "  - { name: lonely, kind: task, type: echo }\nedges:", StringComparison.Ordinal)), "AG131",
            "task 'lonely' is unreachable from the start node 'a'", line: 6);

    [Fact]
    public void NoPathToEnd_IsAWarningOnly()
    {
        var d = Validate(Loop.Replace("  - { from: p, to: end, kind: final }\n", string.Empty, StringComparison.Ordinal));
        var w = Assert.Single(d);
        Assert.Equal(DiagnosticSeverity.Warning, w.Severity);
        Assert.Equal("AG132", w.Code);
        Assert.Contains("no path from 'a' reaches 'end'", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidCondition_NamesEdgeAndPosition() =>
        AssertDiagnostic(Validate(Loop.Replace("{ from: p, to: a }", "{ from: p, to: a, when: \"result.count >\" }", StringComparison.Ordinal)), "AG128",
            "edge p -> a: invalid condition: unexpected end of expression at column 15", line: 8);

    [Fact]
    public void StartMustExist() =>
        AssertDiagnostic(Validate("start: nope\n" + Loop), "AG130", "start node 'nope' is not a node of the graph (nodes: a, p)");

    private const string FanOut = """
        nodes:
          - { name: a, kind: task, type: counter }
          - { name: fan, kind: plan, type: all }
          - { name: b1, kind: task, type: echo }
          - { name: b2, kind: task, type: echo }
          - { name: mid, kind: plan, type: all }
          - { name: b2x, kind: task, type: echo }
          - { name: join, kind: plan, type: all }
        edges:
          - { from: a, to: fan }
          - { from: fan, to: b1, kind: parallel }
          - { from: fan, to: b2, kind: parallel }
          - { from: b1, to: join, kind: join }
          - { from: b2, to: mid }
          - { from: mid, to: b2x }
          - { from: b2x, to: join, kind: join }
          - { from: join, to: end, kind: final }

        """;

    [Fact]
    public void JoinReachableFromEveryBranch_IsValid() => Assert.Empty(Validate(FanOut));

    [Fact]
    public void JoinThatABranchCannotReach_CanNeverRun() =>
        AssertDiagnostic(Validate(FanOut.Replace("  - { from: b2x, to: join, kind: join }\n", "  - { from: b2x, to: mid }\n", StringComparison.Ordinal)), "AG141",
            "join plan 'join' can never run: branch 'b2' of the fan-out at plan 'fan' has no path to a join edge into 'join'");

    [Fact]
    public void JoinWithoutFanOut_IsRefused() =>
        AssertDiagnostic(Validate(Loop.Replace("{ from: a, to: p }", "{ from: a, to: p, kind: join }", StringComparison.Ordinal)), "AG143",
            "join plan 'p' has no fan-out: no parallel edge leads to a task that reaches it");

    [Fact]
    public void JoinMixedWithNormalInput_IsRefused() =>
        AssertDiagnostic(Validate(FanOut.Replace("  - { from: b2x, to: join, kind: join }\n", "  - { from: b2x, to: join, kind: join }\n  - { from: a, to: join }\n", StringComparison.Ordinal)), "AG140",
            "plan 'join' receives join edges and also a normal edge from 'a'");

    [Fact]
    public void EnsureValid_ThrowsWithEveryError()
    {
        var graph = new GraphBuilder("g").Task("a", "nope").Task("b", "counter").Edge("a", "b").Build();
        var ex = Assert.Throws<GraphValidationException>(() => GraphValidator.EnsureValid(graph, TestCatalog.Instance));
        Assert.Contains(ex.Diagnostics, d => d.Code == "AG112");
        Assert.Contains(ex.Diagnostics, d => d.Code == "AG124");
        Assert.Contains("graph is invalid (2 error(s))", ex.Message, StringComparison.Ordinal);
    }
}
