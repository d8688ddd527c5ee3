using System.Globalization;
using Agentic.Core.Formats;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Agentic.Core.Models;

/// <summary>
/// Prices per model, read from configuration:
/// <code>
/// models:
///   gpt-4o-mini: { input_per_million: 0.15, output_per_million: 0.60 }
/// </code>
/// A model's usage is costed with its entry; a model without one is refused when a graph using it is validated.
/// </summary>
public sealed class ModelPriceTable
{
    private readonly Dictionary<string, ModelPrice> _prices;

    public ModelPriceTable(IReadOnlyDictionary<string, ModelPrice> prices, string source)
    {
        ArgumentNullException.ThrowIfNull(prices);
        _prices = new Dictionary<string, ModelPrice>(prices, StringComparer.Ordinal);
        Source = source;
    }

    /// <summary>No prices: usage is counted in tokens, cost stays 0.</summary>
    public static ModelPriceTable Empty { get; } = new(new Dictionary<string, ModelPrice>(), "none");

    /// <summary>Where the prices came from (a file path), for messages.</summary>
    public string Source { get; }

    public bool IsEmpty => _prices.Count == 0;

    public IReadOnlyCollection<string> Models => _prices.Keys;

    public bool TryGet(string model, out ModelPrice price) => _prices.TryGetValue(model, out price);

    /// <summary>Reads a price file; throws <see cref="InvalidDataException"/> naming file, line, column and what is wrong.</summary>
    public static ModelPriceTable Read(string text, string file)
    {
        ArgumentNullException.ThrowIfNull(text);
        var problems = new List<string>();
        var prices = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        YamlStream stream;
        try
        {
            stream = YamlDocuments.Load(text);
        }
        catch (YamlException ex)
        {
            throw new InvalidDataException($"{file}:{ex.Start.Line}:{ex.Start.Column}: {YamlNodes.StripMark(ex.Message)}", ex);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root || YamlNodes.Child(root, "models") is not YamlMappingNode models)
        {
            throw new InvalidDataException($"{file}:1:1: a price file is a mapping with 'models:' mapping each model name to {{ input_per_million, output_per_million }}");
        }

        foreach (var (key, value) in models.Children)
        {
            var name = ((YamlScalarNode)key).Value ?? string.Empty;
            if (value is not YamlMappingNode entry)
            {
                problems.Add($"{file}:{value.Start.Line}:{value.Start.Column}: model '{name}': expected {{ input_per_million, output_per_million }}");
                continue;
            }

            foreach (var (k, _) in entry.Children)
            {
                if (((YamlScalarNode)k).Value is not ("input_per_million" or "output_per_million"))
                {
                    problems.Add($"{file}:{k.Start.Line}:{k.Start.Column}: model '{name}': unknown key '{((YamlScalarNode)k).Value}' (expected input_per_million, output_per_million)");
                }
            }

            var input = Price(entry, "input_per_million", name);
            var output = Price(entry, "output_per_million", name);
            if (input is { } i && output is { } o)
            {
                prices[name] = new ModelPrice(i, o);
            }
        }

        return problems.Count > 0
            ? throw new InvalidDataException($"prices in {file} are invalid ({problems.Count} error(s)):\n  " + string.Join("\n  ", problems))
            : new ModelPriceTable(prices, file);

        decimal? Price(YamlMappingNode entry, string field, string model)
        {
            var node = YamlNodes.Child(entry, field);
            if (node is YamlScalarNode { Value: { } v } && decimal.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var price) && price >= 0)
            {
                return price;
            }

            var at = node?.Start ?? entry.Start;
            problems.Add($"{file}:{at.Line}:{at.Column}: model '{model}': {field} must be a non-negative number of US dollars{(node is null ? " (missing)" : "")}");
            return null;
        }
    }
}
