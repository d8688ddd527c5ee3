namespace Agentic.Core.Execution;

/// <summary>A result handed to the next node: which node and execution produced it, and the payload.</summary>
public sealed record UpstreamResult(string NodeName, string ExecutionId, Payload Payload);
