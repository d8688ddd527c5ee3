namespace Agentic.Orleans;

/// <summary>A payload on the wire: its bytes (UTF-8 JSON for application/json) and media type.</summary>
[GenerateSerializer, Immutable, Alias("agentic.PayloadData")]
public sealed record PayloadData([property: Id(0)] string MediaType, [property: Id(1)] byte[] Bytes)
{
    public const string Json = "application/json";

    public static PayloadData FromJson(string json) => new(Json, System.Text.Encoding.UTF8.GetBytes(json));

    /// <summary>The JSON text (for application/json payloads).</summary>
    public string JsonText => System.Text.Encoding.UTF8.GetString(Bytes);
}
