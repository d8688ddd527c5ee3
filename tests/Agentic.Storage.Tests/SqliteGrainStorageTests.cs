using Agentic.Orleans;
using Agentic.Orleans.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;

namespace Agentic.Storage.Tests;

/// <summary>Grain state in the embedded profile's SQLite file: read back by a new instance, and a stale writer refused.</summary>
public sealed class SqliteGrainStorageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-grainstate-").FullName;
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private SqliteGrainStorage Storage() => new(Path.Combine(_dir, "agentic.db"), new OrleansGrainStorageSerializer(_services.GetRequiredService<Serializer>()));

    private static GrainState<TenantRecord> Empty() => new();

    [Fact]
    public async Task StateWritten_IsReadBackByAnotherInstance_AndAStaleEtagIsRefused_ForWritesAndClears()
    {
        var grain = GrainId.Create("tenant", "acme");
        var first = Storage();
        var missing = Empty();
        await first.ReadStateAsync("tenant", grain, missing);
        Assert.False(missing.RecordExists);
        Assert.Null(missing.ETag);

        var mine = new GrainState<TenantRecord>(new TenantRecord { DisplayName = "Acme", CreatedAt = DateTimeOffset.UnixEpoch });
        await first.WriteStateAsync("tenant", grain, mine);
        var theirs = Empty();
        await Storage().ReadStateAsync("tenant", grain, theirs);
        Assert.Equal(("Acme", mine.ETag, true), (theirs.State!.DisplayName, theirs.ETag, theirs.RecordExists));

        // Another activation writes first: this one's etag is stale, for a write and for a clear, and for a first insert.
        theirs.State!.DisplayName = "Acme Corp";
        await Storage().WriteStateAsync("tenant", grain, theirs);
        mine.State!.DisplayName = "Lost";
        await Assert.ThrowsAsync<InconsistentStateException>(() => first.WriteStateAsync("tenant", grain, mine));
        await Assert.ThrowsAsync<InconsistentStateException>(() => first.ClearStateAsync("tenant", grain, mine));
        await Assert.ThrowsAsync<InconsistentStateException>(() => first.WriteStateAsync("tenant", grain, Empty()));

        var read = Empty();
        await first.ReadStateAsync("tenant", grain, read);
        Assert.Equal("Acme Corp", read.State!.DisplayName);
        await first.ClearStateAsync("tenant", grain, read);
        var cleared = Empty();
        await Storage().ReadStateAsync("tenant", grain, cleared);
        Assert.False(cleared.RecordExists);

        // Another state name or grain is another row.
        await first.WriteStateAsync("other", grain, new GrainState<TenantRecord>(new TenantRecord()));
        var unrelated = Empty();
        await first.ReadStateAsync("tenant", GrainId.Create("tenant", "globex"), unrelated);
        Assert.False(unrelated.RecordExists);
    }
}
