using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Agentic.Core.Blobs;
using Agentic.Core.Graphs;
using Agentic.Core.Guardrails;

namespace Agentic.Core.Execution;

/// <summary>
/// Snapshots: the state after record N as versioned JSON, so re-activation applies only the records after N.
/// A snapshot is a cache of the journal, never a source of truth: it is taken only when every record the machine
/// made is applied, so it equals the state a replay of records 1..N rebuilds, and a snapshot that cannot be read
/// (or does not fit the journal) is ignored in favour of a full replay.
/// </summary>
public sealed partial class LifetimeStateMachine
{
    private const int SnapshotFormat = 1;

    /// <summary>
    /// The state after <see cref="LastAppliedSequence"/> as UTF-8 JSON, or null when there is nothing worth keeping
    /// (not started, ending or ended). Call only when every record this machine made has been applied.
    /// </summary>
    public byte[]? CaptureSnapshot()
    {
        if (Phase == ExecutionPhase.Pending || Phase.IsTerminal() || _ending is not null)
        {
            return null;
        }

        var active = _active.Values.OrderBy(r => r.ExecutionId.Length).ThenBy(r => r.ExecutionId, StringComparer.Ordinal).ToList();
        var groups = _groups.Values.OrderBy(g => g.Id.Length).ThenBy(g => g.Id, StringComparer.Ordinal).ToList();
        var frames = new Dictionary<BranchFrame, int>(ReferenceEqualityComparer.Instance);
        var frameList = new List<BranchFrame>();
        foreach (var frame in active.Select(r => r.Branch).Concat(groups.Select(g => g.Parent)))
        {
            IndexFrame(frame, frames, frameList);
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("format", SnapshotFormat);
            w.WriteString("lifetime_id", LifetimeId);
            w.WriteString("graph_hash", Graph.ContentHash);
            w.WriteNumber("sequence", _lastApplied);
            w.WriteNumber("next_ordinal", _nextOrdinal);
            w.WriteString("phase", Phase.ToWireName());
            w.WriteNumber("executions", ExecutionCount);
            w.WriteNumber("iterations", Iterations);
            w.WritePropertyName("usage");
            Usage.WriteTo(w);
            w.WriteStartArray("frames");
            foreach (var frame in frameList)
            {
                w.WriteStartObject();
                w.WriteString("group", frame.GroupId);
                w.WriteNumber("index", frame.Index);
                w.WriteNumber("parent", FrameIndex(frame.Parent, frames));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("active");
            foreach (var r in active)
            {
                w.WriteStartObject();
                w.WriteString("id", r.ExecutionId);
                w.WriteString("node", r.Node.Name);
                w.WriteNumber("attempt", r.JournaledAttempt ?? r.Attempt);
                w.WriteNumber("iteration", r.Iteration);
                w.WriteString("edge", r.EdgeTaken);
                w.WriteString("key", r.IdempotencyKey);
                w.WriteNumber("frame", FrameIndex(r.Branch, frames));
                w.WriteStartArray("parents");
                foreach (var parent in r.ParentIds)
                {
                    w.WriteStringValue(parent);
                }

                w.WriteEndArray();
                w.WriteStartArray("inputs");
                foreach (var input in r.Inputs)
                {
                    WriteUpstream(w, input);
                }

                w.WriteEndArray();
                if (r.IsWaiting)
                {
                    w.WritePropertyName("prompt");
                    WritePayload(w, r.Prompt ?? Payload.EmptyObject);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("groups");
            foreach (var g in groups)
            {
                w.WriteStartObject();
                w.WriteString("id", g.Id);
                w.WriteNumber("parent", FrameIndex(g.Parent, frames));
                w.WriteNumber("outstanding", g.Outstanding);
                w.WriteStartArray("arrivals");
                foreach (var a in g.Arrivals)
                {
                    w.WriteStartObject();
                    w.WriteNumber("index", a.Index);
                    w.WriteNumber("sequence", a.Sequence);
                    w.WriteString("join", a.JoinPlan);
                    w.WriteNumber("iteration", a.Iteration);
                    w.WritePropertyName("result");
                    WriteUpstream(w, a.Result);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Rebuilds the machine from its start record and a snapshot taken after record N; apply the records after N next.
    /// Throws <see cref="InvalidDataException"/> naming what does not fit (callers fall back to a full replay).
    /// </summary>
    public static LifetimeStateMachine FromSnapshot(LifetimeStartedEntry start, ReadOnlyMemory<byte> snapshot, AgentGraph? graph = null, IBlobReader? blobs = null)
    {
        ArgumentNullException.ThrowIfNull(start);
        var machine = FromStart(start, graph);
        try
        {
            using var doc = JsonDocument.Parse(snapshot);
            machine.Restore(doc.RootElement, blobs);
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new InvalidDataException($"snapshot of lifetime {start.LifetimeId} cannot be read: {ex.Message}", ex);
        }

        return machine;
    }

    private void Restore(JsonElement root, IBlobReader? blobs)
    {
        var format = root.GetProperty("format").GetInt32();
        if (format != SnapshotFormat)
        {
            throw new FormatException($"format {format} is not the supported format {SnapshotFormat}");
        }

        var hash = root.GetProperty("graph_hash").GetString();
        if (root.GetProperty("lifetime_id").GetString() != LifetimeId || hash != Graph.ContentHash)
        {
            throw new FormatException($"it belongs to lifetime {root.GetProperty("lifetime_id").GetString()} on graph {hash}, not {LifetimeId} on {Graph.ContentHash}");
        }

        _lastApplied = root.GetProperty("sequence").GetInt64();
        if (_lastApplied < 1)
        {
            throw new FormatException($"sequence {_lastApplied} is before the start record");
        }

        _nextSequence = _lastApplied + 1;
        _nextOrdinal = root.GetProperty("next_ordinal").GetInt32();
        Phase = root.GetProperty("phase").GetString() switch
        {
            "running" => ExecutionPhase.Running,
            "paused" => ExecutionPhase.Paused,
            var other => throw new FormatException($"phase '{other}' cannot be snapshotted"),
        };
        ExecutionCount = root.GetProperty("executions").GetInt64();
        Iterations = root.GetProperty("iterations").GetInt32();
        Usage = UsageTotals.ReadFrom(root.GetProperty("usage"));

        var frames = new List<BranchFrame>();
        foreach (var f in root.GetProperty("frames").EnumerateArray())
        {
            frames.Add(new BranchFrame(f.GetProperty("group").GetString()!, f.GetProperty("index").GetInt32(), FrameAt(frames, f.GetProperty("parent").GetInt32())));
        }

        foreach (var a in root.GetProperty("active").EnumerateArray())
        {
            var nodeName = a.GetProperty("node").GetString()!;
            var request = new ExecutionRequest
            {
                ExecutionId = a.GetProperty("id").GetString()!,
                Node = Graph.FindNode(nodeName) ?? throw new FormatException($"node '{nodeName}' is not in graph {Graph}"),
                Attempt = a.GetProperty("attempt").GetInt32(),
                Iteration = a.GetProperty("iteration").GetInt32(),
                EdgeTaken = a.GetProperty("edge").GetString()!,
                IdempotencyKey = a.GetProperty("key").GetString()!,
                Branch = FrameAt(frames, a.GetProperty("frame").GetInt32()),
                ParentIds = a.GetProperty("parents").EnumerateArray().Select(p => p.GetString()!).ToArray(),
                Inputs = a.GetProperty("inputs").EnumerateArray().Select(i => ReadUpstream(i, blobs)).ToArray(),
            };
            if (a.TryGetProperty("prompt", out var prompt))
            {
                request.IsWaiting = true;
                request.Prompt = ReadPayload(prompt, blobs);
            }

            AddActive(request);
        }

        foreach (var g in root.GetProperty("groups").EnumerateArray())
        {
            var group = new FanOutGroup(g.GetProperty("id").GetString()!, FrameAt(frames, g.GetProperty("parent").GetInt32()), g.GetProperty("outstanding").GetInt32());
            foreach (var a in g.GetProperty("arrivals").EnumerateArray())
            {
                group.Arrivals.Add((a.GetProperty("index").GetInt32(), a.GetProperty("sequence").GetInt64(), a.GetProperty("join").GetString()!, a.GetProperty("iteration").GetInt32(), ReadUpstream(a.GetProperty("result"), blobs)));
            }

            _groups.Add(group.Id, group);
        }

        if (_active.Count == 0)
        {
            throw new FormatException("it awaits no execution, so the lifetime could not go on from it");
        }
    }

    private static void IndexFrame(BranchFrame? frame, Dictionary<BranchFrame, int> frames, List<BranchFrame> list)
    {
        if (frame is null || frames.ContainsKey(frame))
        {
            return;
        }

        // Parents first, so that reading can resolve each frame's parent by an index already read.
        IndexFrame(frame.Parent, frames, list);
        frames[frame] = list.Count;
        list.Add(frame);
    }

    private static int FrameIndex(BranchFrame? frame, Dictionary<BranchFrame, int> frames) => frame is null ? -1 : frames[frame];

    private static BranchFrame? FrameAt(List<BranchFrame> frames, int index) =>
        index < 0 ? null : index < frames.Count ? frames[index] : throw new FormatException($"branch frame {index.ToString(CultureInfo.InvariantCulture)} is not defined before its use");

    private static void WriteUpstream(Utf8JsonWriter w, UpstreamResult upstream)
    {
        w.WriteStartObject();
        w.WriteString("node", upstream.NodeName);
        w.WriteString("execution", upstream.ExecutionId);
        w.WritePropertyName("payload");
        WritePayload(w, upstream.Payload);
        w.WriteEndObject();
    }

    private static UpstreamResult ReadUpstream(JsonElement e, IBlobReader? blobs) =>
        new(e.GetProperty("node").GetString()!, e.GetProperty("execution").GetString()!, ReadPayload(e.GetProperty("payload"), blobs));

    private static void WritePayload(Utf8JsonWriter w, Payload payload)
    {
        w.WriteStartObject();
        w.WriteString("media_type", payload.MediaType);
        if (payload.Blob is { } blob)
        {
            w.WriteStartObject("blob");
            w.WriteString("uri", blob.Uri);
            w.WriteNumber("size", blob.SizeBytes);
            w.WriteString("sha256", blob.Sha256);
            w.WriteEndObject();
        }
        else if (payload.IsJson)
        {
            w.WritePropertyName("json");
            w.WriteRawValue(payload.Bytes.Span, skipInputValidation: true);
        }
        else
        {
            w.WriteBase64String("base64", payload.Bytes.Span);
        }

        w.WriteEndObject();
    }

    private static Payload ReadPayload(JsonElement e, IBlobReader? blobs)
    {
        var mediaType = e.GetProperty("media_type").GetString()!;
        if (e.TryGetProperty("blob", out var blob))
        {
            return Payload.FromBlob(new BlobReference(blob.GetProperty("uri").GetString()!, blob.GetProperty("size").GetInt64(), mediaType, blob.GetProperty("sha256").GetString()!), blobs);
        }

        return e.TryGetProperty("json", out var json)
            ? Payload.FromTrusted(System.Text.Encoding.UTF8.GetBytes(json.GetRawText()), Payload.JsonMediaType)
            : Payload.FromTrusted(e.GetProperty("base64").GetBytesFromBase64(), mediaType);
    }
}
