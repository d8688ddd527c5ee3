using System.Security.Cryptography;
using System.Text;
using Agentic.Core.Blobs;
using Agentic.Core.Execution;
using Agentic.Core.Formats;
using Agentic.Core.Graphs;
using Agentic.Tests;
using Agentic.Storage.Blobs;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Storage.Sqlite.Tests;

public sealed class BlobOffloadTests : IDisposable
{
    private const int InlineLimit = 1024;
    private static readonly string BigText = string.Concat(Enumerable.Range(0, 500).Select(i => $"line {i:D4};"));
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-blobs-").FullName;

    private string DbPath => Path.Combine(_dir, "journal.db");

    private string BlobRoot => Path.Combine(_dir, "blobs");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // `big` produces a result over the inline limit; `review` passes it on; `approve` waits with it as details.
    private static AgentGraph Graph() => GraphReader.Parse($$"""
        graph: big-result
        version: 1.0.0
        nodes:
          - { name: big,     kind: task, type: echo, config: { text: "{{BigText}}" } }
          - { name: review,  kind: plan, type: all }
          - { name: approve, kind: task, type: human, config: { prompt: "publish?" } }
        edges:
          - { from: big, to: review }
          - { from: review, to: approve }
          - { from: approve, to: end, kind: final }
        """, "big-result.yaml");

    [Fact]
    public async Task ResultsOverTheInlineLimit_AreJournaledAsBlobReferences_AndReadBackTransparentlyAfterARestart()
    {
        string id;
        await using (var runtime = await Cluster())
        {
            id = runtime.Start(Graph()).LifetimeId;
            Assert.Equal(ExecutionPhase.Waiting, (await runtime.WhenSettledAsync(id).WaitAsync(TimeSpan.FromSeconds(30))).Phase);
        }

        // The records carry uri, size, media type and hash; the content is a file named by its hash.
        await using (var bare = new SqliteJournalStore(new SqliteJournalOptions { Path = DbPath }))
        {
            var records = await bare.ReadAsync(id, 1, default).ToListAsync();
            var big = records.OfType<ExecutionEntry>().Single(e => e.NodeName == "big");
            var blob = big.Result!.Blob!;
            var content = Encoding.UTF8.GetBytes($$"""{"text":"{{BigText}}"}""");
            Assert.Equal((LocalBlobStore.UriPrefix + blob.Sha256, (long)content.Length, "application/json", Convert.ToHexStringLower(SHA256.HashData(content))), (blob.Uri, blob.SizeBytes, blob.MediaType, blob.Sha256));
            Assert.Equal(content, await File.ReadAllBytesAsync(BlobPath(blob)));
            Assert.Equal(blob, records.OfType<ExecutionEntry>().Single(e => e.NodeName == "review").Result!.Blob);
            Assert.NotNull(records.OfType<ExecutionEntry>().Single(e => e.NodeName == "approve").Result!.Blob);

            // Read without a blob store, the reference is still there, and using the content says why it cannot be read.
            var ex = Assert.Throws<BlobUnavailableException>(() => big.Result.Bytes);
            Assert.Equal($"blob {blob.Uri} (expected sha256 {blob.Sha256}, {blob.SizeBytes} bytes) cannot be read: no blob store is configured", ex.Message);
        }

        Assert.True(await LargestRecordBytes() < InlineLimit, "no record holds the large content inline");

        await using (var runtime = await Cluster())
        {
            var ask = Assert.Single((await runtime.InspectAsync(id)).Awaiting);
            Assert.Equal(BigText, ask.Prompt!.Json.GetProperty("details").GetProperty("text").GetString());

            await runtime.ProvideInputAsync(id, ask.ExecutionId, Payload.FromJson($$"""{"approved":true,"notes":"{{BigText}}"}"""), "alice");
            var outcome = await runtime.WaitForOutcomeAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(ExecutionPhase.Completed, outcome.Phase);
            Assert.Equal(BigText, outcome.Result!.Json.GetProperty("notes").GetString());
            var input = (await runtime.Journal.ReadAsync(id, 1, default).ToListAsync()).OfType<ExecutionEntry>().Last(e => e.NodeName == "approve");
            Assert.Equal(("alice", true), (input.ProvidedBy, input.Result!.Blob is not null));
        }

        Assert.True(await LargestRecordBytes() < InlineLimit, "large input is offloaded too");
    }

    [Fact]
    public async Task AMissingOrCorruptedBlob_IsReportedWithItsUriAndExpectedHash_NeverReplaced()
    {
        string id;
        await using (var runtime = await Cluster())
        {
            id = runtime.Start(Graph()).LifetimeId;
            await runtime.WhenSettledAsync(id).WaitAsync(TimeSpan.FromSeconds(30));
        }

        var blobs = new LocalBlobStore(BlobRoot);
        await using var store = new SqliteJournalStore(new SqliteJournalOptions { Path = DbPath }, blobs);
        var blob = (await store.ReadAsync(id, 1, default).ToListAsync()).OfType<ExecutionEntry>().Single(e => e.NodeName == "big").Result!.Blob!;
        var path = BlobPath(blob);
        var original = await File.ReadAllBytesAsync(path);

        var tampered = original.ToArray();
        tampered[10] ^= 0x20;
        await File.WriteAllBytesAsync(path, tampered);
        var corrupted = await FirstReadOf("big");
        Assert.Equal($"blob {blob.Uri} (expected sha256 {blob.Sha256}, {blob.SizeBytes} bytes) is corrupted: {path} holds {tampered.Length} bytes with sha256 {Convert.ToHexStringLower(SHA256.HashData(tampered))}", corrupted.Message);

        File.Delete(path);
        var missing = await FirstReadOf("big");
        Assert.Equal($"blob {blob.Uri} (expected sha256 {blob.Sha256}, {blob.SizeBytes} bytes) is missing: {path} does not exist", missing.Message);

        // Restoring the content makes it readable again (a failed read is not remembered), and storing equal content again writes no second file.
        await File.WriteAllBytesAsync(path, original);
        var again = await blobs.PutAsync(original, "application/json", default);
        Assert.Equal(blob, again);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));

        async Task<BlobUnavailableException> FirstReadOf(string node)
        {
            var entry = (await store.ReadAsync(id, 1, default).ToListAsync()).OfType<ExecutionEntry>().Single(e => e.NodeName == node);
            return Assert.Throws<BlobUnavailableException>(() => entry.Result!.Json);
        }
    }

    [Fact]
    public async Task ATaskReadingACorruptedBlob_FailsWithTheBlobsUriAndHash_InItsRecord()
    {
        await using var runtime = await Cluster();
        var blobs = (LocalBlobStore)runtime.Silo(0).GetRequiredService<Runtime.Blobs.IBlobStore>();
        var content = Encoding.UTF8.GetBytes($$"""{"text":"{{BigText}}"}""");
        var blob = await blobs.PutAsync(content, "application/json", default);
        await File.WriteAllTextAsync(BlobPath(blob), "{}");

        // The lifetime's input is the (now corrupted) blob: the first task to read it fails, naming the blob.
        var outcome = await runtime.RunAsync(new GraphBuilder("reads-input").Task("read", "echo").Final("read").Build(), new Runtime.Lifetimes.StartLifetimeOptions { Input = Payload.FromBlob(blob, blobs) }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(ExecutionPhase.Failed, outcome.Phase);
        Assert.Contains($"BlobUnavailableException: blob {blob.Uri} (expected sha256 {blob.Sha256}, {content.Length} bytes) is corrupted", outcome.Reason, StringComparison.Ordinal);
    }

    // One silo over the SQLite file and the local blob folder (the single-machine profile).
    private Task<ClusterRuntime> Cluster() =>
        ClusterRuntime.StartAsync(s => s.AddLocalBlobStore(BlobRoot).AddSqliteJournal(o => o.Path = DbPath), b => b.Configure(o => o.InlineResultLimit = InlineLimit));

    private string BlobPath(BlobReference blob) => Path.Combine(BlobRoot, "sha256", blob.Sha256[..2], blob.Sha256);

    private async Task<long> LargestRecordBytes()
    {
        await using var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // Record 1 pins the graph, whose config holds the text that `big` echoes.
        command.CommandText = "SELECT MAX(LENGTH(record)) FROM journal WHERE seq > 1";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
