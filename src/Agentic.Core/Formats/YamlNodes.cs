using YamlDotNet.RepresentationModel;

namespace Agentic.Core.Formats;

/// <summary>Small readers shared by the YAML graph and policy readers.</summary>
internal static class YamlNodes
{
    public static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    /// <summary>YamlDotNet prefixes its messages with the mark; the readers report the location themselves.</summary>
    public static string StripMark(string message)
    {
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return i >= 0 ? message[(i + 3)..] : message;
    }
}
