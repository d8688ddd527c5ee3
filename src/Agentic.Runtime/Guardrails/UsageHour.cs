namespace Agentic.Runtime.Guardrails;

/// <summary>What was spent in one hour (UTC, from <paramref name="Hour"/>): tokens and US dollars.</summary>
public sealed record UsageHour(DateTimeOffset Hour, long TokensUsed, double CostUsd);
