namespace Agentic.Client;

/// <summary>Issue an API key for a tenant (admin); the name says what the key is for.</summary>
public sealed record IssueKeyRequest(string Name);
