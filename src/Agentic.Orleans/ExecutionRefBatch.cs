namespace Agentic.Orleans;

/// <summary>References of records made durable in one flush window, of any lifetimes of one stream partition.</summary>
[GenerateSerializer, Immutable, Alias("agentic.ExecutionRefBatch")]
public sealed record ExecutionRefBatch([property: Id(0)] ExecutionRef[] Refs);
