namespace Agentic.Runtime.Journal;

/// <summary>A lifetime's state machine serialized after record <paramref name="Sequence"/> (UTF-8 JSON).</summary>
public sealed record LifetimeSnapshot(string LifetimeId, long Sequence, ReadOnlyMemory<byte> State);
