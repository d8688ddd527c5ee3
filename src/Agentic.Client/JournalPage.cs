using System.Text.Json;

namespace Agentic.Client;

/// <summary>One page of a lifetime's journal: its records (as <c>agentic journal --output json</c> prints them) and the sequence the next page starts at (null: none).</summary>
public sealed record JournalPage(IReadOnlyList<JsonElement> Records, long? Next);
