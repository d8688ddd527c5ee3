using System.Globalization;
using System.Threading.Channels;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Runtime.Lifetimes;
using Spectre.Console;

namespace Agentic.Cli;

/// <summary>
/// Live progress of one lifetime: each record is printed as it becomes durable. Records are handed over through a
/// channel so that console output never slows the lifetime's actor.
/// </summary>
internal sealed class ProgressPrinter : IJournalObserver
{
    private readonly Channel<JournalEntry> _records = Channel.CreateUnbounded<JournalEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IAnsiConsole _console;
    private readonly Task _printing;
    private string? _lifetimeId;
    private long _tokens;
    private double _cost;

    public ProgressPrinter(IAnsiConsole console)
    {
        _console = console;
        _printing = Task.Run(PrintAsync);
    }

    public void Follow(string lifetimeId) => Volatile.Write(ref _lifetimeId, lifetimeId);

    public void OnRecorded(JournalEntry entry)
    {
        if (entry.LifetimeId == Volatile.Read(ref _lifetimeId))
        {
            _records.Writer.TryWrite(entry);
        }
    }

    public async Task StopAsync()
    {
        _records.Writer.TryComplete();
        await _printing.ConfigureAwait(false);
    }

    public static string Describe(JournalEntry entry) => entry switch
    {
        LifetimeStartedEntry s => $"started {s.GraphName} {s.GraphVersion} (tenant {s.TenantId}, hash {s.GraphHash[..12]}, iteration cap {s.IterationCap})",
        ExecutionEntry e => DescribeExecution(e),
        LifetimeEndedEntry end => $"lifetime {end.Phase.ToWireName()}{(end.Reason is null ? "" : ": " + end.Reason)}",
        ControlEntry c => $"{c.Action.ToString().ToLowerInvariant()} by {c.Actor}{(c.Reason is null ? "" : ": " + c.Reason)}",
        _ => entry.GetType().Name,
    };

    private static string DescribeExecution(ExecutionEntry e)
    {
        var what = e.Phase switch
        {
            ExecutionPhase.Completed when e.NodeKind == NodeKind.Plan => "→ " + (e.NextTaskNames.Count == 0 ? "(branch ends)" : string.Join(", ", e.NextTaskNames)),
            ExecutionPhase.Completed when e.ProvidedBy is not null => $"← input by {e.ProvidedBy}: " + JsonText.Shorten(e.Result?.ToJsonString() ?? "null", 60),
            ExecutionPhase.Completed => "→ " + JsonText.Shorten(e.Result?.ToJsonString() ?? "null", 70),
            ExecutionPhase.Waiting => "… " + JsonText.Shorten(e.Result?.ToJsonString() ?? "null", 70),
            _ => e.Error ?? string.Empty,
        };
        var kind = e.NodeKind == NodeKind.Task ? "task" : "plan";
        var latency = e.Telemetry.LatencyMs.ToString("0.###", CultureInfo.InvariantCulture);
        var decided = e.Decision is { } d && e.Phase != ExecutionPhase.Failed ? $"  [{d.Describe()}]" : string.Empty;
        return $"{e.NodeName,-16} {kind} {e.NodeType,-10} {e.Phase.ToWireName(),-9} it {e.Iteration,-3} try {e.Attempt} {latency,7} ms  {what}{decided}";
    }

    /// <summary>Live spend: what a step used and what the lifetime has used so far.</summary>
    private string Spend(JournalEntry entry)
    {
        if (entry is not ExecutionEntry { Phase: not ExecutionPhase.Cancelled } e || (e.Telemetry.TokensUsed == 0 && e.Telemetry.CostUsd == 0))
        {
            return string.Empty;
        }

        _tokens += e.Telemetry.TokensUsed;
        _cost += e.Telemetry.CostUsd;
        var model = e.Telemetry.Model is { } m ? m + " " : string.Empty;
        return $" [aqua]{Markup.Escape(model)}{UsageText.Spend(e.Telemetry.TokensUsed, e.Telemetry.CostUsd)}[/] [grey](so far {UsageText.Spend(_tokens, _cost)})[/]";
    }

    private async Task PrintAsync()
    {
        await foreach (var entry in _records.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var color = entry switch
            {
                ExecutionEntry { Phase: ExecutionPhase.Failed } => "red",
                ExecutionEntry { Phase: ExecutionPhase.Cancelled } => "grey",
                ExecutionEntry { Phase: ExecutionPhase.Lost } => "yellow",
                LifetimeEndedEntry { Phase: ExecutionPhase.Completed } => "green",
                LifetimeEndedEntry => "red",
                LifetimeStartedEntry => "blue",
                _ => "default",
            };
            _console.MarkupLine($"[grey]{entry.Sequence,5}[/] [{color}]{Markup.Escape(Describe(entry))}[/]{Spend(entry)}");
        }
    }
}
