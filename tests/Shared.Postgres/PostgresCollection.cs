namespace Agentic.Tests;

/// <summary>The test classes that share one PostgreSQL server (each works in schemas of its own).</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
