using Agentic.Contracts.V1;
using Agentic.Core.Blobs;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Core.Guardrails;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using CorePhase = Agentic.Core.Execution.ExecutionPhase;
using WirePhase = Agentic.Contracts.V1.ExecutionPhase;

namespace Agentic.Contracts;

/// <summary>Maps journal entries between the Core domain types and the protobuf <see cref="JournalRecord"/> envelope.</summary>
public static class JournalRecordMapper
{
    public static JournalRecord ToProto(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var record = new JournalRecord
        {
            LifetimeId = entry.LifetimeId,
            Sequence = entry.Sequence,
            RecordedAt = Timestamp.FromDateTimeOffset(entry.RecordedAt),
        };
        switch (entry)
        {
            case LifetimeStartedEntry s:
                record.LifetimeStarted = new LifetimeStarted
                {
                    TenantId = s.TenantId,
                    GraphName = s.GraphName,
                    GraphVersion = s.GraphVersion,
                    GraphHash = s.GraphHash,
                    GraphJson = s.GraphJson,
                    Input = ToResult(s.Input),
                    IterationCap = s.IterationCap,
                    ForkOf = s.ForkOf ?? string.Empty,
                    ForkSequence = s.ForkSequence,
                    PolicySource = s.PolicySource ?? string.Empty,
                    PriceSource = s.PriceSource ?? string.Empty,
                };
                break;
            case ControlEntry c:
                record.LifetimeControlled = new LifetimeControlled
                {
                    Action = c.Action switch
                    {
                        LifetimeControl.Pause => LifetimeControlAction.Pause,
                        LifetimeControl.Resume => LifetimeControlAction.Resume,
                        _ => LifetimeControlAction.Abort,
                    },
                    Actor = c.Actor,
                    Reason = c.Reason ?? string.Empty,
                    PolicyDecision = c.Decision is { } cd ? ToWire(cd) : null,
                };
                break;
            case ExecutionEntry e when e.NodeKind == NodeKind.Task:
                record.TaskExecution = new TaskExecution
                {
                    Header = Header(e),
                    Result = e.Result is null ? new TaskResult { ErrorMessage = e.Error ?? string.Empty } : ToResult(e.Result, e.Error),
                    TaskType = e.NodeType,
                    Telemetry = Telemetry(e.Telemetry),
                };
                break;
            case ExecutionEntry e:
                var plan = new PlanExecution
                {
                    Header = Header(e),
                    Result = new PlanResult { ErrorMessage = e.Error ?? string.Empty },
                    PlanType = e.NodeType,
                    InputTaskId = e.ParentIds.Count > 0 ? e.ParentIds[0] : string.Empty,
                    Telemetry = Telemetry(e.Telemetry),
                };
                plan.Result.NextTaskNames.AddRange(e.NextTaskNames);
                if (e.Result is not null)
                {
                    plan.Result.Payload = ToResult(e.Result);
                }

                record.PlanExecution = plan;
                break;
            case LifetimeEndedEntry end:
                record.LifetimeEnded = new LifetimeEnded
                {
                    Phase = ToWire(end.Phase),
                    Result = end.Result is null ? null : ToResult(end.Result),
                    Reason = end.Reason ?? string.Empty,
                    CauseExecutionId = end.CauseExecutionId ?? string.Empty,
                    Iterations = end.Iterations,
                    Executions = end.Executions,
                };
                break;
            default:
                throw new ArgumentException($"unknown journal entry type {entry.GetType().Name}", nameof(entry));
        }

        return record;
    }

    /// <summary>
    /// The domain entry of a record. Payloads stored as blob references are read through <paramref name="blobs"/> on
    /// first use (without a reader, using such a payload throws <see cref="BlobUnavailableException"/>).
    /// </summary>
    public static JournalEntry FromProto(JournalRecord record, IBlobReader? blobs = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var recordedAt = record.RecordedAt.ToDateTimeOffset();
        switch (record.BodyCase)
        {
            case JournalRecord.BodyOneofCase.LifetimeStarted:
                var s = record.LifetimeStarted;
                return new LifetimeStartedEntry
                {
                    LifetimeId = record.LifetimeId,
                    Sequence = record.Sequence,
                    RecordedAt = recordedAt,
                    TenantId = s.TenantId,
                    GraphName = s.GraphName,
                    GraphVersion = s.GraphVersion,
                    GraphHash = s.GraphHash,
                    GraphJson = s.GraphJson,
                    Input = FromResult(s.Input, blobs) ?? Payload.EmptyObject,
                    IterationCap = s.IterationCap,
                    ForkOf = NullIfEmpty(s.ForkOf),
                    ForkSequence = s.ForkSequence,
                    PolicySource = NullIfEmpty(s.PolicySource),
                    PriceSource = NullIfEmpty(s.PriceSource),
                };
            case JournalRecord.BodyOneofCase.LifetimeControlled:
                var c = record.LifetimeControlled;
                return new ControlEntry
                {
                    LifetimeId = record.LifetimeId,
                    Sequence = record.Sequence,
                    RecordedAt = recordedAt,
                    Action = c.Action switch
                    {
                        LifetimeControlAction.Pause => LifetimeControl.Pause,
                        LifetimeControlAction.Resume => LifetimeControl.Resume,
                        LifetimeControlAction.Abort => LifetimeControl.Abort,
                        _ => throw new InvalidDataException($"lifetime {record.LifetimeId} record {record.Sequence} has unknown control action {c.Action}"),
                    },
                    Actor = c.Actor,
                    Reason = NullIfEmpty(c.Reason),
                    Decision = c.PolicyDecision is { } cd ? Decision(cd, record) : null,
                };
            case JournalRecord.BodyOneofCase.TaskExecution:
                var t = record.TaskExecution;
                return Execution(record, t.Header, NodeKind.Task, t.TaskType, FromResult(t.Result, blobs), [], NullIfEmpty(t.Result?.ErrorMessage), t.Telemetry);
            case JournalRecord.BodyOneofCase.PlanExecution:
                var p = record.PlanExecution;
                return Execution(record, p.Header, NodeKind.Plan, p.PlanType, FromResult(p.Result?.Payload, blobs), p.Result?.NextTaskNames.ToArray() ?? [], NullIfEmpty(p.Result?.ErrorMessage), p.Telemetry);
            case JournalRecord.BodyOneofCase.LifetimeEnded:
                var end = record.LifetimeEnded;
                return new LifetimeEndedEntry
                {
                    LifetimeId = record.LifetimeId,
                    Sequence = record.Sequence,
                    RecordedAt = recordedAt,
                    Phase = FromWire(end.Phase),
                    Result = FromResult(end.Result, blobs),
                    Reason = NullIfEmpty(end.Reason),
                    CauseExecutionId = NullIfEmpty(end.CauseExecutionId),
                    Iterations = end.Iterations,
                    Executions = end.Executions,
                };
            default:
                throw new InvalidDataException($"lifetime {record.LifetimeId} record {record.Sequence} has no body");
        }
    }

    public static byte[] Serialize(JournalEntry entry) => ToProto(entry).ToByteArray();

    /// <summary>
    /// The entry a stored record holds; any bytes that are not one (a damaged file, a foreign row) are an
    /// <see cref="InvalidDataException"/> saying so, never another exception.
    /// </summary>
    public static JournalEntry Deserialize(ReadOnlySpan<byte> bytes, IBlobReader? blobs = null)
    {
        JournalRecord record;
        try
        {
            record = JournalRecord.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidDataException($"a stored journal record of {bytes.Length} bytes is not an agentic.v1.JournalRecord: {ex.Message}", ex);
        }

        try
        {
            return FromProto(record, blobs);
        }
        catch (Exception ex) when (ex is not InvalidDataException and not BlobUnavailableException)
        {
            throw new InvalidDataException($"lifetime {record.LifetimeId} record {record.Sequence} does not decode: {ex.Message}", ex);
        }
    }

    public static WirePhase ToWire(CorePhase phase) => phase switch
    {
        CorePhase.Pending => WirePhase.Pending,
        CorePhase.Running => WirePhase.Running,
        CorePhase.Waiting => WirePhase.Waiting,
        CorePhase.Paused => WirePhase.Paused,
        CorePhase.Completed => WirePhase.Completed,
        CorePhase.Failed => WirePhase.Failed,
        CorePhase.Cancelled => WirePhase.Cancelled,
        CorePhase.Aborted => WirePhase.Aborted,
        CorePhase.Lost => WirePhase.Lost,
        _ => WirePhase.Unspecified,
    };

    public static CorePhase FromWire(WirePhase phase) => phase switch
    {
        WirePhase.Pending => CorePhase.Pending,
        WirePhase.Running => CorePhase.Running,
        WirePhase.Waiting => CorePhase.Waiting,
        WirePhase.Paused => CorePhase.Paused,
        WirePhase.Completed => CorePhase.Completed,
        WirePhase.Failed => CorePhase.Failed,
        WirePhase.Cancelled => CorePhase.Cancelled,
        WirePhase.Aborted => CorePhase.Aborted,
        WirePhase.Lost => CorePhase.Lost,
        _ => throw new InvalidDataException($"unknown execution phase {phase}"),
    };

    private static ExecutionEntry Execution(JournalRecord record, ExecutionHeader h, NodeKind kind, string type, Payload? result, string[] next, string? error, PolicyTelemetry? telemetry) => new()
    {
        LifetimeId = record.LifetimeId,
        Sequence = record.Sequence,
        RecordedAt = record.RecordedAt.ToDateTimeOffset(),
        ExecutionId = h.Id,
        NodeName = h.NodeName,
        NodeKind = kind,
        NodeType = type,
        Attempt = h.Attempt,
        Iteration = h.IterationIdx,
        Phase = FromWire(h.Status),
        ParentIds = h.ParentIds.ToArray(),
        EdgeTaken = h.EdgeTaken,
        IdempotencyKey = h.IdempotencyKey,
        StartedAt = h.StartedAt?.ToDateTimeOffset() ?? record.RecordedAt.ToDateTimeOffset(),
        Result = result,
        NextTaskNames = next,
        Error = error,
        Telemetry = telemetry is null
            ? default
            : new ExecutionTelemetry(
                telemetry.InputTokens,
                telemetry.OutputTokens,
                telemetry.CostUsd,
                telemetry.LatencyMs,
                NullIfEmpty(telemetry.Model),
                telemetry.Metrics.Count == 0 ? null : new Dictionary<string, double>(telemetry.Metrics, StringComparer.Ordinal)),
        ProvidedBy = NullIfEmpty(h.ProvidedBy),
        PolicySetVersion = NullIfEmpty(h.PolicySetVersion),
        Decision = h.PolicyDecision is { } d ? Decision(d, record) : null,
    };

    private static Core.Guardrails.PolicyDecision Decision(V1.PolicyDecision d, JournalRecord record) => new(
        d.Policy,
        PolicyNames.TryParseScope(d.Scope, out var scope) ? scope : throw new InvalidDataException($"lifetime {record.LifetimeId} record {record.Sequence}: unknown policy scope '{d.Scope}'"),
        PolicyNames.TryParseAction(d.Action, out var action) ? action : throw new InvalidDataException($"lifetime {record.LifetimeId} record {record.Sequence}: unknown policy action '{d.Action}'"),
        d.Subject,
        d.Measured,
        d.Threshold,
        d.PolicySetVersion);

    private static V1.PolicyDecision ToWire(Core.Guardrails.PolicyDecision d) => new()
    {
        Policy = d.Policy,
        Scope = PolicyNames.Of(d.Scope),
        Action = PolicyNames.Of(d.Action),
        Subject = d.Subject,
        Measured = d.Measured,
        Threshold = d.Threshold,
        PolicySetVersion = d.PolicySetVersion,
    };

    private static ExecutionHeader Header(ExecutionEntry e)
    {
        var h = new ExecutionHeader
        {
            Id = e.ExecutionId,
            ParentId = e.ParentIds.Count > 0 ? e.ParentIds[0] : string.Empty,
            LifetimeId = e.LifetimeId,
            Attempt = e.Attempt,
            IterationIdx = e.Iteration,
            CreatedAt = Timestamp.FromDateTimeOffset(e.RecordedAt),
            StartedAt = Timestamp.FromDateTimeOffset(e.StartedAt),
            Status = ToWire(e.Phase),
            EdgeTaken = e.EdgeTaken,
            NodeName = e.NodeName,
            IdempotencyKey = e.IdempotencyKey,
            ProvidedBy = e.ProvidedBy ?? string.Empty,
            PolicySetVersion = e.PolicySetVersion ?? string.Empty,
        };
        if (e.Decision is { } d)
        {
            h.PolicyDecision = ToWire(d);
        }

        h.ParentIds.AddRange(e.ParentIds);
        return h;
    }

    private static PolicyTelemetry Telemetry(ExecutionTelemetry t)
    {
        var telemetry = new PolicyTelemetry
        {
            TokensUsed = t.TokensUsed,
            InputTokens = t.InputTokens,
            OutputTokens = t.OutputTokens,
            CostUsd = t.CostUsd,
            LatencyMs = t.LatencyMs,
            Model = t.Model ?? string.Empty,
        };
        if (t.Metrics is { Count: > 0 } metrics)
        {
            foreach (var (name, value) in metrics)
            {
                telemetry.Metrics[name] = value;
            }
        }

        return telemetry;
    }

    private static TaskResult ToResult(Payload payload, string? error = null)
    {
        var result = new TaskResult
        {
            MediaType = payload.MediaType,
            SizeBytes = (ulong)payload.Length,
            ErrorMessage = error ?? string.Empty,
        };
        if (payload.Blob is { } blob)
        {
            result.Blob = new V1.BlobReference { Uri = blob.Uri, SizeBytes = (ulong)blob.SizeBytes, MediaType = blob.MediaType, Sha256 = blob.Sha256 };
        }
        else
        {
            result.InlineData = ByteString.CopyFrom(payload.Bytes.Span);
        }

        return result;
    }

    private static Payload? FromResult(TaskResult? result, IBlobReader? blobs)
    {
        if (result is null)
        {
            return null;
        }

        return result.DataCase switch
        {
            TaskResult.DataOneofCase.InlineData => Payload.FromTrusted(result.InlineData.Memory, result.MediaType),
            TaskResult.DataOneofCase.Blob => Payload.FromBlob(new Core.Blobs.BlobReference(result.Blob.Uri, (long)result.Blob.SizeBytes, NullIfEmpty(result.Blob.MediaType) ?? result.MediaType, result.Blob.Sha256), blobs),
            _ => null,
        };
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
