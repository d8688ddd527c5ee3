namespace Agentic.Orleans;

/// <summary>
/// A payload kept in the cluster's blob store instead of travelling in a call: its uri, size, media type and lower-case
/// hex SHA-256 (the content is checked against it when read).
/// </summary>
[GenerateSerializer, Immutable, Alias("agentic.BlobReferenceData")]
public sealed record BlobReferenceData(
    [property: Id(0)] string Uri,
    [property: Id(1)] long SizeBytes,
    [property: Id(2)] string MediaType,
    [property: Id(3)] string Sha256);
