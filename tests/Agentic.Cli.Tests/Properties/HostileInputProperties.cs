using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Agentic.Contracts;
using Agentic.Core.Expressions;
using Agentic.Core.Formats;
using Agentic.Core.Guardrails;
using Agentic.Core.Validation;
using CsCheck;

namespace Agentic.Cli.Tests.Properties;

/// <summary>
/// For any input, every reader returns a value or a diagnostic with a position: never another exception, never a
/// hang, never unbounded memory. Inputs are the samples and the corpus (cases found so far, in Corpus/) mutated with
/// the characters that matter to each format, plus arbitrary text. AGENTIC_FUZZ_ITER sets the iterations per property
/// (default 1500); a failure prints CsCheck's seed, and the shrunk input belongs in Corpus/ once fixed.
/// </summary>
public sealed class HostileInputProperties
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("AGENTIC_FUZZ_ITER"), out var n) ? n : 1500;

    private static readonly string CorpusRoot = Path.Combine(RepoPaths.Root, "tests", "Agentic.Cli.Tests", "Corpus");

    private static readonly string[] GraphSeeds =
    [
        .. Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "samples"), "graph.yaml", SearchOption.AllDirectories).Select(File.ReadAllText),
        .. Corpus("yaml"),
    ];

    private static readonly string[] DotSeeds =
    [
        "digraph hello {\n  work [type=\"task\", impl=\"counter\"];\n  decide [type=\"plan\", impl=\"all\"];\n  work -> decide;\n  decide -> work [when=\"result.count < 10\"];\n  decide -> end [kind=\"final\", when=\"result.count >= 10\"];\n}\n",
        "digraph g { subgraph cluster_a { a [type=\"task\", impl=\"echo\", max_attempts=\"3\", backoff=\"200ms\", timeout=\"5s\"]; } b [type=\"plan\", impl=\"all\"]; a -> b [kind=\"join\"]; b -> end [kind=\"final\"]; }",
        .. Corpus("dot"),
    ];

    private static readonly string[] PolicySeeds =
    [
        File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "policies", "guardrails.yaml")),
        .. Corpus("policy"),
    ];

    private static readonly string[] ExpressionSeeds =
    [
        "result.count >= 10", "not result.accepted", "result.drafts < 2 and input.x == 'y'", "len(result.items) in [1, 2, 3]",
        "sum(tokens_used) > 50000 or sum(cost_usd) > 2.5", "max(iteration_idx) >= 5", "latency_ms > 30000 and node == 'llm_submit'",
        "-(1 + 2) * 3 % 4 / 5", "result['a'][0].b", "upper(input.name) == 'ADA'",
        .. Corpus("expression").Where(t => t.Length < 10_000),
    ];

    private static string[] Corpus(string kind) =>
        Directory.EnumerateFiles(Path.Combine(CorpusRoot, kind)).Order(StringComparer.Ordinal).Select(File.ReadAllText).ToArray();

    [Fact]
    public void YamlGraphReader_AnyInput_GivesAGraphOrPositionedDiagnostics() =>
        Inputs(GraphSeeds, "{}[]:,-&*!|>'\"#\t\n %@`?").Sample(text => Holds(() => ReadGraph(text, "fuzz.yaml")), iter: Iterations);

    [Fact]
    public void DotGraphReader_AnyInput_GivesAGraphOrPositionedDiagnostics() =>
        Inputs(DotSeeds, "{}[];=,\"-> \n\\/*#").Sample(text => Holds(() => ReadGraph(text, "fuzz.dot")), iter: Iterations);

    [Fact]
    public void CanonicalJsonGraph_AnyInput_GivesAGraphOrPositionedDiagnostics() =>
        Inputs([.. GraphSeeds.Take(3).Select(t => SafeCanonical(t))], "{}[]:,\"\\0123456789. \n").Sample(text => Holds(() => ReadGraph(text, "fuzz.json")), iter: Iterations);

    [Fact]
    public void PolicyReader_AnyInput_GivesASetOrPositionedDiagnostics() =>
        Inputs(PolicySeeds, "{}[]:,-&*!|>'\"#\t\n ()<=").Sample(text => Holds(() => ReadPolicies(text)), iter: Iterations);

    [Fact]
    public void Expressions_AnyInput_ParseAndEvaluateToAValueOrAPositionedError() =>
        Inputs(ExpressionSeeds, "()[].,'\"!<>=+-*/% \n\tandornotin0123456789").Sample(text => Holds(() => ParseAndEvaluate(text)), iter: Iterations);

    [Fact]
    public void CommandLineInput_AnyText_GivesAPayloadOrOneLineRefusal() =>
        Inputs(["{\"count\":0}", "[1,2,{\"a\":null}]", "\"text\"", "{\"a\":{\"b\":[1e308,-0.5,true]}}"], "{}[]:,\"\\0123456789.e-+ \nntfu").Sample(text => Holds(() =>
        {
            try
            {
                InputText.Parse(text);
            }
            catch (CliInputException ex)
            {
                Assert.Contains("--input", ex.Message, StringComparison.Ordinal);
            }
        }), iter: Iterations);

    [Fact]
    public void JournalRecordMapper_AnyBytes_GiveAnEntryOrInvalidData()
    {
        var seeds = SampleRecords().Select(Convert.ToBase64String).ToArray();
        Gen.Select(Gen.Int[0, seeds.Length - 1], Gen.Select(Gen.Int[0, 2], Gen.Double[0, 1], Gen.Byte).Array[0, 12])
            .Select((i, edits) => Corrupt(Convert.FromBase64String(seeds[i]), edits))
            .Sample(bytes => Holds(() =>
            {
                try
                {
                    JournalRecordMapper.Deserialize(bytes);
                }
                catch (InvalidDataException)
                {
                }
            }), iter: Iterations);
    }

    [Fact]
    public void LoneSurrogates_InExpressions_AreRefusedWithTheirPosition()
    {
        // Built here, not in attributes: test discovery would replace the lone surrogates.
        foreach (var text in new[] { "'" + '\uD800' + "' == 'a'", "result['" + '\uDC00' + "x']" })
        {
            var ex = Assert.Throws<ExpressionException>(() => Expression.Parse(text));
            Assert.Equal(text.IndexOfAny(['\uD800', '\uDC00']), ex.Position);
        }
    }

    [Fact]
    public void LoneSurrogate_FromData_IsAnExpressionError_AndRefusedAsInput()
    {
        var data = JsonDocument.Parse("""{"k":"\uD800","m":{"a":1}}""").RootElement;
        var ex = Assert.Throws<ExpressionException>(() => Expression.Parse("m[k]").Evaluate(new JsonScope(data)));
        Assert.Contains("not valid Unicode", ex.Message, StringComparison.Ordinal);

        var input = Assert.Throws<CliInputException>(() => InputText.Parse("""{"a":[1,"\uD800"]}"""));
        Assert.Contains("$.a[1]", input.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void CorpusCase_IsRefusedOrReadWithinLimits(string kind, string file)
    {
        var text = File.ReadAllText(Path.Combine(CorpusRoot, kind, file));
        Assert.True(Holds(kind switch
        {
            "yaml" => () => ReadGraph(text, file),
            "dot" => () => ReadGraph(text, file),
            "policy" => () => ReadPolicies(text),
            _ => () => ParseAndEvaluate(text),
        }));
    }

    public static TheoryData<string, string> CorpusFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in new[] { "yaml", "dot", "policy", "expression" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(CorpusRoot, kind)).Order(StringComparer.Ordinal))
            {
                data.Add(kind, Path.GetFileName(file));
            }
        }

        return data;
    }

    /// <summary>Mutations of the seeds (insert, delete, duplicate, replace, inject a nasty token) and arbitrary text.</summary>
    private static Gen<string> Inputs(string[] seeds, string alphabet)
    {
        string[] nasty = ["&a ", "*a", "[[[[[[[[", "{{{{", "((((((((", "not not ", "- - - ", "\t", "\r\n", "\uFFFF", "\uD800", "9999999999999999999999d", "1e309", "'", "\"", "\\", "<<: *a", "!!binary ", "---\n", "...", "%YAML 1.1\n", "? ", "|\n", ">-\n"];
        var edit = Gen.Select(Gen.Int[0, 4], Gen.Double[0, 1], Gen.Int[1, 64], Gen.Int[0, alphabet.Length - 1], Gen.Int[0, nasty.Length - 1]);
        var mutated = Gen.Select(Gen.Int[0, seeds.Length - 1], edit.Array[1, 10]).Select((i, edits) =>
        {
            var text = new StringBuilder(seeds[i]);
            foreach (var (kind, where, length, c, token) in edits)
            {
                var at = (int)(where * text.Length);
                var len = Math.Min(length, text.Length - at);
                switch (kind)
                {
                    case 0: text.Insert(at, alphabet[c]); break;
                    case 1: text.Remove(at, len); break;
                    case 2: text.Insert(at, text.ToString(at, len)); break;
                    case 3 when at < text.Length: text[at] = alphabet[c]; break;
                    default: text.Insert(at, nasty[token]); break;
                }
            }

            return text.ToString();
        });
        return Gen.Frequency((6, mutated), (1, Gen.String), (1, Gen.Char[alphabet].Array[0, 200].Select(cs => new string(cs))));
    }

    private static byte[] Corrupt(byte[] bytes, (int Kind, double Where, byte Value)[] edits)
    {
        var list = bytes.ToList();
        foreach (var (kind, where, value) in edits)
        {
            var at = Math.Min((int)(where * list.Count), Math.Max(0, list.Count - 1));
            switch (kind)
            {
                case 0 when list.Count > 0: list[at] = value; break;
                case 1 when list.Count > 0: list.RemoveAt(at); break;
                default: list.Insert(at, value); break;
            }
        }

        return [.. list];
    }

    /// <summary>The property: only the documented refusals escape, within 2 s and 256 MB of allocation.</summary>
    private static bool Holds(Action read)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        read();
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocated < 256L << 20, "allocated more than 256 MB");
        return true;
    }

    private static void ReadGraph(string text, string file)
    {
        try
        {
            GraphValidator.EnsureValid(GraphReader.Parse(text, file), Catalog.Value);
        }
        catch (GraphValidationException ex)
        {
            Assert.NotEmpty(ex.Diagnostics);
            Assert.All(ex.Diagnostics, d => Assert.True(d.Location is null || (d.Location.Line >= 1 && d.Location.Column >= 1), $"bad position {d.Location}"));
        }
    }

    private static void ReadPolicies(string text)
    {
        try
        {
            PolicyReader.Read(text, "fuzz.yaml");
        }
        catch (PolicyValidationException ex)
        {
            Assert.NotEmpty(ex.Diagnostics);
        }
    }

    private static void ParseAndEvaluate(string text)
    {
        Expression expression;
        try
        {
            expression = Expression.Parse(text);
        }
        catch (ExpressionException ex)
        {
            Assert.InRange(ex.Position, 0, Math.Max(text.Length, InputLimits.MaxExpressionLength));
            return;
        }

        try
        {
            expression.Evaluate(Scope.Instance);
        }
        catch (ExpressionException)
        {
        }
    }

    private static readonly Lazy<INodeTypeCatalog> Catalog = new(() =>
        (INodeTypeCatalog)CliServices.Build(null).GetService(typeof(Runtime.Nodes.NodeRegistry))!);

    private static string SafeCanonical(string yaml)
    {
        try
        {
            return GraphReader.Parse(yaml, "seed.yaml").CanonicalJson;
        }
        catch (GraphValidationException)
        {
            return "{}";
        }
    }

    private static IEnumerable<byte[]> SampleRecords()
    {
        var graph = GraphReader.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "hello", "graph.yaml")), "hello.yaml");
        var machine = Core.Execution.LifetimeStateMachine.Create(graph, "L1", "t", Core.Execution.Payload.FromObject(new { count = 0 }), 10);
        yield return JournalRecordMapper.Serialize(machine.CreateStartEntry(DateTimeOffset.UnixEpoch, "/p", "/prices.yaml"));
        yield return JournalRecordMapper.Serialize(TestRecords.Ended("L1", 2));
    }

    private sealed class JsonScope(JsonElement data) : IExpressionScope
    {
        public bool TryResolve(string name, out ExpressionValue value)
        {
            var found = data.TryGetProperty(name, out var p);
            value = found ? ExpressionValue.FromJson(p) : ExpressionValue.Null;
            return found;
        }
    }

    private sealed class Scope : IExpressionScope
    {
        public static readonly Scope Instance = new();

        private static readonly JsonElement Data = JsonDocument.Parse("""{"result":{"count":3,"accepted":true,"items":[1,"a",null,{"b":[2]}],"drafts":1},"input":{"x":"y","name":"ada"},"a":[[0]],"node":"llm_submit","latency_ms":12.5}""").RootElement;

        public bool TryResolve(string name, out ExpressionValue value)
        {
            value = Data.TryGetProperty(name, out var p) ? ExpressionValue.FromJson(p) : ExpressionValue.Null;
            return Data.TryGetProperty(name, out _);
        }
    }
}
