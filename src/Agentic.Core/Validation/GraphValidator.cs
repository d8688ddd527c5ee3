using Agentic.Core.Expressions;
using Agentic.Core.Graphs;

namespace Agentic.Core.Validation;

/// <summary>
/// Checks a graph for structural errors before anything runs. Every diagnostic names the node or edge and,
/// when the graph came from a file, the file, line and column it was written at.
/// </summary>
public static class GraphValidator
{
    public static IReadOnlyList<GraphDiagnostic> Validate(AgentGraph graph, INodeTypeCatalog? catalog)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var d = new List<GraphDiagnostic>();
        var fileLocation = graph.SourceFile is null ? null : new SourceLocation(graph.SourceFile, 1, 1);

        if (graph.Nodes.Count == 0)
        {
            d.Add(Error("AG100", $"graph '{graph.Name}' has no nodes", fileLocation));
            return d;
        }

        CheckNodes(graph, catalog, d);
        CheckEdges(graph, d);

        if (graph.FindNode(graph.Start) is null)
        {
            d.Add(Error("AG130", $"start node '{graph.Start}' is not a node of the graph (nodes: {NodeList(graph)})", fileLocation));
        }
        else
        {
            CheckReachability(graph, d, fileLocation);
        }

        CheckJoins(graph, d);
        return d;
    }

    /// <summary>Validates and throws <see cref="GraphValidationException"/> when there is any error; returns the warnings.</summary>
    public static IReadOnlyList<GraphDiagnostic> EnsureValid(AgentGraph graph, INodeTypeCatalog? catalog)
    {
        var diagnostics = Validate(graph, catalog);
        if (diagnostics.Any(x => x.IsError))
        {
            throw new GraphValidationException(diagnostics);
        }

        return diagnostics;
    }

    private static void CheckNodes(AgentGraph graph, INodeTypeCatalog? catalog, List<GraphDiagnostic> d)
    {
        var seen = new Dictionary<string, GraphNode>(StringComparer.Ordinal);
        foreach (var node in graph.Nodes)
        {
            if (!seen.TryAdd(node.Name, node))
            {
                var first = seen[node.Name].Location;
                d.Add(Error("AG110", $"duplicate node name '{node.Name}'{(first is null ? "" : $" (first declared at line {first.Line})")}", node.Location));
                continue;
            }

            if (node.Name == GraphEdge.End)
            {
                d.Add(Error("AG111", $"'{GraphEdge.End}' is reserved as the target of final edges and cannot name a node", node.Location));
            }

            if (catalog is null)
            {
                continue;
            }

            var kindName = node.Kind == NodeKind.Task ? "task" : "plan";
            if (!catalog.TryGetKind(node.Type, out var registeredKind))
            {
                var known = string.Join(", ", catalog.TypeNames(node.Kind).Order(StringComparer.Ordinal));
                d.Add(Error("AG112", $"{kindName} '{node.Name}' has unknown type '{node.Type}'; registered {kindName} types: {(known.Length == 0 ? "(none)" : known)}", node.Location));
            }
            else if (registeredKind != node.Kind)
            {
                d.Add(Error("AG113", $"node '{node.Name}' is declared as a {kindName} but type '{node.Type}' is a {(registeredKind == NodeKind.Task ? "task" : "plan")} implementation", node.Location));
            }
            else
            {
                foreach (var problem in catalog.ValidateNode(node, graph))
                {
                    d.Add(Error("AG114", $"{kindName} '{node.Name}' ({node.Type}): {problem}", node.Location));
                }
            }
        }
    }

    private static void CheckEdges(AgentGraph graph, List<GraphDiagnostic> d)
    {
        var seen = new HashSet<(string, string, EdgeKind)>();
        foreach (var edge in graph.Edges)
        {
            var from = graph.FindNode(edge.From);
            var to = edge.IsToEnd ? null : graph.FindNode(edge.To);
            if (from is null)
            {
                d.Add(Error("AG120", $"edge {edge.From} -> {edge.To} starts at unknown node '{edge.From}' (nodes: {NodeList(graph)})", edge.Location));
            }

            if (!edge.IsToEnd && to is null)
            {
                d.Add(Error("AG121", $"edge {edge.From} -> {edge.To} ends at unknown node '{edge.To}' (nodes: {NodeList(graph)}; use '{GraphEdge.End}' with kind final to finish)", edge.Location));
            }

            if (edge.Kind == EdgeKind.Final && !edge.IsToEnd)
            {
                d.Add(Error("AG122", $"final edge {edge.From} -> {edge.To} must target '{GraphEdge.End}'", edge.Location));
            }

            if (edge.IsToEnd && edge.Kind != EdgeKind.Final)
            {
                d.Add(Error("AG123", $"edge {edge.From} -> {GraphEdge.End} must have kind final (it has kind {CanonicalGraph.KindName(edge.Kind)})", edge.Location));
            }

            if (from is not null && to is not null)
            {
                if (from.Kind == NodeKind.Task && to.Kind == NodeKind.Task)
                {
                    d.Add(Error("AG124", $"edge {edge.From} -> {edge.To} connects two tasks; tasks hand their result to a plan (put a plan between them)", edge.Location));
                }
                else if (from.Kind == NodeKind.Plan && to.Kind == NodeKind.Plan)
                {
                    d.Add(Error("AG125", $"edge {edge.From} -> {edge.To} connects two plans; plans choose tasks (put a task between them)", edge.Location));
                }
                else if (edge.Kind == EdgeKind.Parallel && from.Kind != NodeKind.Plan)
                {
                    d.Add(Error("AG126", $"parallel edge {edge.From} -> {edge.To} must go from a plan to a task", edge.Location));
                }
                else if (edge.Kind == EdgeKind.Join && from.Kind != NodeKind.Task)
                {
                    d.Add(Error("AG127", $"join edge {edge.From} -> {edge.To} must go from a task to a plan", edge.Location));
                }
            }

            if (edge.When is not null)
            {
                try
                {
                    Expression.Parse(edge.When);
                }
                catch (ExpressionException ex)
                {
                    d.Add(Error("AG128", $"edge {edge.From} -> {edge.To}: invalid condition: {ex.Message}", edge.Location));
                }
            }

            if (!seen.Add((edge.From, edge.To, edge.Kind)) && edge.When is null)
            {
                d.Add(Warning("AG129", $"edge {edge.From} -> {edge.To} ({CanonicalGraph.KindName(edge.Kind)}) is declared more than once", edge.Location));
            }
        }
    }

    private static void CheckReachability(AgentGraph graph, List<GraphDiagnostic> d, SourceLocation? fileLocation)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { graph.Start };
        var queue = new Queue<string>([graph.Start]);
        var endReachable = false;
        while (queue.Count > 0)
        {
            foreach (var edge in graph.OutEdges(queue.Dequeue()))
            {
                if (edge.IsToEnd)
                {
                    endReachable |= edge.Kind == EdgeKind.Final;
                }
                else if (graph.FindNode(edge.To) is not null && reached.Add(edge.To))
                {
                    queue.Enqueue(edge.To);
                }
            }
        }

        foreach (var node in graph.Nodes.Where(n => !reached.Contains(n.Name)).DistinctBy(n => n.Name))
        {
            d.Add(Error("AG131", $"{(node.Kind == NodeKind.Task ? "task" : "plan")} '{node.Name}' is unreachable from the start node '{graph.Start}'", node.Location));
        }

        if (!endReachable)
        {
            d.Add(Warning("AG132", $"no path from '{graph.Start}' reaches '{GraphEdge.End}': the lifetime can only stop at the iteration cap or by failing", fileLocation));
        }
    }

    private static void CheckJoins(AgentGraph graph, List<GraphDiagnostic> d)
    {
        var joinPlans = graph.Edges.Where(e => e.Kind == EdgeKind.Join).Select(e => e.To).Distinct(StringComparer.Ordinal).ToList();
        foreach (var join in joinPlans)
        {
            var mixed = graph.InEdges(join).FirstOrDefault(e => e.Kind != EdgeKind.Join);
            if (mixed is not null)
            {
                d.Add(Error("AG140", $"plan '{join}' receives join edges and also a {CanonicalGraph.KindName(mixed.Kind)} edge from '{mixed.From}'; a join plan's inputs must all be join edges", mixed.Location ?? graph.FindNode(join)?.Location));
            }
        }

        var fedJoins = new HashSet<string>(StringComparer.Ordinal);
        foreach (var plan in graph.Nodes.Where(n => n.Kind == NodeKind.Plan))
        {
            // A branch declared twice is one branch (AG129 warns about the repetition).
            var branches = graph.OutEdges(plan.Name).Where(e => e.Kind == EdgeKind.Parallel && graph.FindNode(e.To) is not null).DistinctBy(e => e.To, StringComparer.Ordinal).ToList();
            if (branches.Count == 0)
            {
                continue;
            }

            var reach = branches.ToDictionary(b => b.To, b => JoinsReachableFrom(graph, b.To), StringComparer.Ordinal);
            var all = reach.Values.SelectMany(x => x).Distinct(StringComparer.Ordinal).ToList();
            foreach (var join in all)
            {
                fedJoins.Add(join);
                foreach (var branch in branches.Where(b => !reach[b.To].Contains(join)))
                {
                    d.Add(Error("AG141", $"join plan '{join}' can never run: branch '{branch.To}' of the fan-out at plan '{plan.Name}' has no path to a join edge into '{join}'", branch.Location ?? plan.Location));
                }
            }

            if (all.Count == 0)
            {
                d.Add(Warning("AG142", $"the fan-out at plan '{plan.Name}' is never joined: its branches ({string.Join(", ", branches.Select(b => b.To))}) run independently", branches[0].Location ?? plan.Location));
            }
        }

        foreach (var join in joinPlans.Where(j => !fedJoins.Contains(j)))
        {
            d.Add(Error("AG143", $"join plan '{join}' has no fan-out: no parallel edge leads to a task that reaches it, so its inputs can never all arrive", graph.FindNode(join)?.Location));
        }
    }

    /// <summary>Join plans reachable from a branch's first task without passing through a join.</summary>
    private static HashSet<string> JoinsReachableFrom(AgentGraph graph, string task)
    {
        var joins = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal) { task };
        var queue = new Queue<string>([task]);
        while (queue.Count > 0)
        {
            foreach (var edge in graph.OutEdges(queue.Dequeue()))
            {
                if (edge.Kind == EdgeKind.Join)
                {
                    joins.Add(edge.To);
                }
                else if (!edge.IsToEnd && graph.FindNode(edge.To) is not null && seen.Add(edge.To))
                {
                    queue.Enqueue(edge.To);
                }
            }
        }

        return joins;
    }

    private static string NodeList(AgentGraph graph) => string.Join(", ", graph.Nodes.Select(n => n.Name).Distinct(StringComparer.Ordinal));

    private static GraphDiagnostic Error(string code, string message, SourceLocation? location) => new(DiagnosticSeverity.Error, code, message, location);

    private static GraphDiagnostic Warning(string code, string message, SourceLocation? location) => new(DiagnosticSeverity.Warning, code, message, location);
}
