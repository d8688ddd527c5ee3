using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Journal;

namespace Agentic.Storage.Tests;

/// <summary>
/// What every journal store must do (the IJournalStore contract), run unchanged against each store: the in-memory
/// one, SQLite and PostgreSQL. A subclass opens a fresh store, and a second handle on the same data (another process
/// or silo writing the same database; the same instance for the in-memory store).
/// </summary>
public abstract class JournalStoreConformance : IAsyncLifetime
{
    private readonly List<IJournalStore> _open = [];

    /// <summary>A store over empty data.</summary>
    protected abstract Task<IJournalStore> CreateAsync();

    /// <summary>Another handle on the data of <paramref name="store"/> (for the in-memory store: itself).</summary>
    protected abstract Task<IJournalStore> OpenAgainAsync(IJournalStore store);

    /// <summary>Whether <see cref="OpenAgainAsync"/> after disposing the store still finds its data (a durable store).</summary>
    protected virtual bool Durable => true;

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _open.Distinct())
        {
            await store.DisposeAsync();
        }
    }

    private async Task<IJournalStore> Store()
    {
        var store = await CreateAsync();
        _open.Add(store);
        return store;
    }

    private async Task<IJournalStore> Again(IJournalStore store)
    {
        var again = await OpenAgainAsync(store);
        _open.Add(again);
        return again;
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private static LifetimeStartedEntry Start(string id, int minute = 0, string graph = "g", string hash = "h", string tenant = "acme") => new()
    {
        LifetimeId = id,
        Sequence = 1,
        RecordedAt = T0.AddMinutes(minute),
        TenantId = tenant,
        GraphName = graph,
        GraphVersion = "1.0.0",
        GraphHash = hash,
        GraphJson = "{}",
        Input = Payload.FromJson("{\"start\":true}"),
        IterationCap = 10,
    };

    private static ExecutionEntry Step(string id, long seq, ExecutionPhase phase = ExecutionPhase.Completed, string? providedBy = null) => new()
    {
        LifetimeId = id,
        Sequence = seq,
        RecordedAt = T0.AddSeconds(seq),
        ExecutionId = $"{id}.{seq}",
        NodeName = "work",
        NodeKind = NodeKind.Task,
        NodeType = "echo",
        Attempt = 1,
        Iteration = 0,
        Phase = phase,
        ParentIds = [],
        EdgeTaken = "",
        IdempotencyKey = $"{id}.{seq}:key",
        StartedAt = T0.AddSeconds(seq),
        Result = phase == ExecutionPhase.Completed ? Payload.FromJson($$"""{"seq":{{seq}}}""") : null,
        ProvidedBy = providedBy,
    };

    private static ControlEntry Control(string id, long seq, LifetimeControl action) => new()
    {
        LifetimeId = id,
        Sequence = seq,
        RecordedAt = T0.AddSeconds(seq),
        Action = action,
        Actor = "ops",
        Reason = "test",
    };

    private static LifetimeEndedEntry End(string id, long seq, ExecutionPhase phase = ExecutionPhase.Completed, string? reason = null) => new()
    {
        LifetimeId = id,
        Sequence = seq,
        RecordedAt = T0.AddMinutes(30),
        Phase = phase,
        Reason = reason,
        Result = Payload.FromJson("{\"done\":true}"),
        Iterations = 1,
        Executions = 1,
    };

    private static async Task<List<JournalEntry>> Read(IJournalStore store, string id, long from = 1) =>
        await store.ReadAsync(id, from, default).ToListAsync();

    [Fact]
    public async Task Records_ReadBackInSequence_WithEveryField_FromAnySequence()
    {
        var store = await Store();
        await store.AppendAsync([Start("L1"), Step("L1", 2)], default);
        await store.AppendAsync([Step("L1", 3), End("L1", 4)], default);

        var all = await Read(store, "L1");
        Assert.Equal([1L, 2, 3, 4], all.Select(r => r.Sequence));
        Assert.Equal(["LifetimeStartedEntry", "ExecutionEntry", "ExecutionEntry", "LifetimeEndedEntry"], all.Select(r => r.GetType().Name));
        var step = Assert.IsType<ExecutionEntry>(all[2]);
        Assert.Equal(("L1.3", "L1.3:key", """{"seq":3}""", T0.AddSeconds(3)), (step.ExecutionId, step.IdempotencyKey, step.Result!.ToString(), step.RecordedAt));
        Assert.Equal("""{"done":true}""", ((LifetimeEndedEntry)all[3]).Result!.ToString());
        Assert.Equal([3L, 4], (await Read(store, "L1", 3)).Select(r => r.Sequence));
        Assert.Empty(await Read(store, "nobody"));
    }

    [Fact]
    public async Task ABatch_OfManyLifetimesInterleaved_IsStoredWhole()
    {
        var store = await Store();
        var ids = Enumerable.Range(0, 50).Select(i => $"M{i:D2}").ToList();
        await store.AppendAsync(ids.Select(id => (JournalEntry)Start(id)).ToList(), default);
        var batch = new List<JournalEntry>();
        for (var seq = 2; seq <= 6; seq++)
        {
            batch.AddRange(ids.Select(id => Step(id, seq)));
        }

        await store.AppendAsync(batch, default);

        foreach (var id in ids)
        {
            Assert.Equal([1L, 2, 3, 4, 5, 6], (await Read(store, id)).Select(r => r.Sequence));
        }
    }

    [Fact]
    public async Task AGap_IsRefused_AsASequenceConflict_AndNothingOfTheBatchIsStored()
    {
        var store = await Store();
        await store.AppendAsync([Start("G1"), Step("G1", 2), Start("G2")], default);

        // G2's record 2 is fine, G1 skips record 3: the whole batch is refused, G2's record too.
        var ex = await Assert.ThrowsAsync<JournalAppendException>(() => store.AppendAsync([Step("G2", 2), Step("G1", 4)], default).AsTask());

        Assert.True(ex.IsSequenceConflict, ex.Message);
        Assert.Contains("G1", ex.Message, StringComparison.Ordinal);
        Assert.Equal([1L, 2], (await Read(store, "G1")).Select(r => r.Sequence));
        Assert.Equal([1L], (await Read(store, "G2")).Select(r => r.Sequence));
    }

    [Fact]
    public async Task ASecondRecordAtASequence_IsRefused_AsASequenceConflict()
    {
        var store = await Store();
        await store.AppendAsync([Start("D1"), Step("D1", 2)], default);

        var again = await Assert.ThrowsAsync<JournalAppendException>(() => store.AppendAsync([Step("D1", 2)], default).AsTask());
        var restart = await Assert.ThrowsAsync<JournalAppendException>(() => store.AppendAsync([Start("D1")], default).AsTask());

        Assert.True(again.IsSequenceConflict, again.Message);
        Assert.True(restart.IsSequenceConflict, restart.Message);
        var records = await Read(store, "D1");
        Assert.Equal([1L, 2], records.Select(r => r.Sequence));
        Assert.Equal("""{"seq":2}""", ((ExecutionEntry)records[1]).Result!.ToString());
    }

    [Fact]
    public async Task TwoWriters_OnOneJournal_TheSecondAtATakenSequenceIsFencedOff()
    {
        var first = await Store();
        var second = await Again(first);
        await first.AppendAsync([Start("F1"), Step("F1", 2)], default);

        // Each read the lifetime up to record 2; the first appends record 3, then the second tries its own record 3.
        await first.AppendAsync([Step("F1", 3)], default);
        var fenced = await Assert.ThrowsAsync<JournalAppendException>(() => second.AppendAsync([Step("F1", 3, ExecutionPhase.Failed)], default).AsTask());

        Assert.True(fenced.IsSequenceConflict, fenced.Message);
        var records = await Read(second, "F1");
        Assert.Equal(ExecutionPhase.Completed, Assert.IsType<ExecutionEntry>(records[^1]).Phase);
        // The second writer continues after the first's record, as a re-activated lifetime would.
        await second.AppendAsync([Step("F1", 4)], default);
        Assert.Equal([1L, 2, 3, 4], (await Read(first, "F1")).Select(r => r.Sequence));
    }

    [Fact]
    public async Task Listing_ProjectsEachLifetimesPhase_NewestFirst_FilteredAndLimited()
    {
        var store = await Store();
        await store.AppendAsync([Start("running", 1), Start("waiting", 2), Start("paused", 3), Start("done", 4), Start("failed", 5), Start("resumed", 6)], default);
        await store.AppendAsync(
        [
            Step("running", 2),
            Step("waiting", 2, ExecutionPhase.Waiting),
            Control("paused", 2, LifetimeControl.Pause),
            Step("done", 2), End("done", 3),
            End("failed", 2, ExecutionPhase.Failed, "disk full"),
            Step("resumed", 2, ExecutionPhase.Waiting),
        ], default);
        await store.AppendAsync([Step("resumed", 3, ExecutionPhase.Completed, providedBy: "alice")], default);

        var all = await store.ListLifetimesAsync(null, 100, default);
        Assert.Equal(["resumed", "failed", "done", "paused", "waiting", "running"], all.Select(l => l.LifetimeId));
        var byId = all.ToDictionary(l => l.LifetimeId);
        Assert.Equal(
            [ExecutionPhase.Running, ExecutionPhase.Waiting, ExecutionPhase.Paused, ExecutionPhase.Completed, ExecutionPhase.Failed, ExecutionPhase.Running],
            new[] { "running", "waiting", "paused", "done", "failed", "resumed" }.Select(id => byId[id].Phase));
        Assert.Equal((3L, T0.AddMinutes(4), (DateTimeOffset?)T0.AddMinutes(30)), (byId["done"].LastSequence, byId["done"].StartedAt, byId["done"].EndedAt));
        Assert.Equal(("acme", "g", "1.0.0", "disk full"), (byId["failed"].TenantId, byId["failed"].GraphName, byId["failed"].GraphVersion, byId["failed"].Reason));
        Assert.Null(byId["running"].EndedAt);

        Assert.Equal(["waiting"], (await store.ListLifetimesAsync(ExecutionPhase.Waiting, 100, default)).Select(l => l.LifetimeId));
        Assert.Equal(["resumed", "failed"], (await store.ListLifetimesAsync(null, 2, default)).Select(l => l.LifetimeId));
        Assert.Equal(["running", "waiting", "paused", "resumed"], await store.ListUnfinishedAsync(default));
    }

    [Fact]
    public async Task Listing_ByTenantAndGraph_PagesWithACursor_WithoutSkippingOrRepeatingLifetimesThatStartedAtOnce()
    {
        var store = await Store();
        // Three of acme's start in the same minute: the id orders them, so a page boundary among them is stable.
        await store.AppendAsync(
        [
            Start("a1", 1), Start("a2", 2, graph: "other"), Start("a3", 3), Start("a4", 3), Start("a5", 3), Start("a6", 4),
            Start("g1", 2, tenant: "globex"), Start("g2", 5, tenant: "globex"),
        ], default);

        var pages = new List<string[]>();
        LifetimeCursor? after = null;
        while (true)
        {
            var page = await store.ListLifetimesAsync(new LifetimeQuery { TenantId = "acme", After = after, Limit = 2 }, default);
            if (page.Count == 0)
            {
                break;
            }

            pages.Add(page.Select(l => l.LifetimeId).ToArray());
            after = LifetimeCursor.Of(page[^1]);
        }

        Assert.Equal([["a6", "a5"], ["a4", "a3"], ["a2", "a1"]], pages);
        Assert.Equal(["a6", "a5", "a4", "a3", "a1"], (await store.ListLifetimesAsync(new LifetimeQuery { TenantId = "acme", GraphName = "g" }, default)).Select(l => l.LifetimeId));
        Assert.Equal(["g2", "g1"], (await store.ListLifetimesAsync(new LifetimeQuery { TenantId = "globex" }, default)).Select(l => l.LifetimeId));
        Assert.Empty(await store.ListLifetimesAsync(new LifetimeQuery { TenantId = "initech" }, default));
        Assert.Equal(["g1", "a2", "a1"], (await store.ListLifetimesAsync(new LifetimeQuery { After = new LifetimeCursor(T0.AddMinutes(3), "a3") }, default)).Select(l => l.LifetimeId));
    }

    [Fact]
    public async Task APinnedGraph_IsFoundByNameAndVersion()
    {
        var store = await Store();
        await store.AppendAsync([Start("P1", graph: "review", hash: "abc123")], default);

        Assert.Equal("abc123", await store.FindPinnedGraphHashAsync("review", "1.0.0", default));
        Assert.Null(await store.FindPinnedGraphHashAsync("review", "2.0.0", default));
        Assert.Null(await store.FindPinnedGraphHashAsync("other", "1.0.0", default));
    }

    [Fact]
    public async Task Snapshots_AreReplacedOnlyByNewerOnes()
    {
        var store = await Store();
        Assert.Null(await store.ReadSnapshotAsync("S1", default));

        await store.WriteSnapshotAsync(new LifetimeSnapshot("S1", 10, "ten"u8.ToArray()), default);
        await store.WriteSnapshotAsync(new LifetimeSnapshot("S1", 5, "five"u8.ToArray()), default);
        var kept = await store.ReadSnapshotAsync("S1", default);
        Assert.Equal((10L, "ten"), (kept!.Sequence, System.Text.Encoding.UTF8.GetString(kept.State.Span)));

        await store.WriteSnapshotAsync(new LifetimeSnapshot("S1", 20, "twenty"u8.ToArray()), default);
        Assert.Equal(20L, (await store.ReadSnapshotAsync("S1", default))!.Sequence);
    }

    [Fact]
    public async Task ATenantLedger_IsNeverReplacedByOneWithFewerCharges()
    {
        var store = await Store();
        Assert.Null(await store.ReadTenantLedgerAsync("acme", default));

        await store.WriteTenantLedgerAsync(new TenantLedgerState("acme", 7, "seven"u8.ToArray()), default);
        await store.WriteTenantLedgerAsync(new TenantLedgerState("acme", 3, "three"u8.ToArray()), default);
        var kept = await store.ReadTenantLedgerAsync("acme", default);
        Assert.Equal((7L, "seven"), (kept!.Charges, System.Text.Encoding.UTF8.GetString(kept.State.Span)));

        await store.WriteTenantLedgerAsync(new TenantLedgerState("acme", 7, "seven again"u8.ToArray()), default);
        Assert.Equal("seven again", System.Text.Encoding.UTF8.GetString((await store.ReadTenantLedgerAsync("acme", default))!.State.Span));
        Assert.Null(await store.ReadTenantLedgerAsync("other", default));
    }

    [Fact]
    public async Task WhatWasAppended_IsThereForTheNextHandle()
    {
        var store = await Store();
        await store.AppendAsync([Start("R1"), Step("R1", 2), End("R1", 3)], default);
        await store.WriteSnapshotAsync(new LifetimeSnapshot("R1", 2, "s"u8.ToArray()), default);
        await store.WriteTenantLedgerAsync(new TenantLedgerState("acme", 1, "l"u8.ToArray()), default);
        if (Durable)
        {
            await store.DisposeAsync();
            _open.Remove(store);
        }

        var again = await Again(store);

        Assert.Equal([1L, 2, 3], (await Read(again, "R1")).Select(r => r.Sequence));
        Assert.Equal(ExecutionPhase.Completed, Assert.Single(await again.ListLifetimesAsync(null, 10, default)).Phase);
        Assert.Equal(2L, (await again.ReadSnapshotAsync("R1", default))!.Sequence);
        Assert.Equal(1L, (await again.ReadTenantLedgerAsync("acme", default))!.Charges);
    }
}
