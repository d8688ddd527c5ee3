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
        return $"{e.NodeName,-16} {kind} {e.NodeType,-10} {e.Phase.ToWireName(),-9} it {e.Iteration,-3} try {e.Attempt} {latency,7} ms  {what}";
    }

    private async Task PrintAsync()
    {
        await foreach (var entry in _records.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            var color = entry switch
            {
                ExecutionEntry { Phase: ExecutionPhase.Failed } => "red",
                ExecutionEntry { Phase: ExecutionPhase.Cancelled } => "grey",
                LifetimeEndedEntry { Phase: ExecutionPhase.Completed } => "green",
                LifetimeEndedEntry => "red",
                LifetimeStartedEntry => "blue",
                _ => "default",
            };
            _console.MarkupLine($"[grey]{entry.Sequence,5}[/] [{color}]{Markup.Escape(Describe(entry))}[/]");
        }
    }
}
