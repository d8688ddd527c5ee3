using Agentic.Client;
using Spectre.Console;

namespace Agentic.Cli.Remote;

/// <summary>
/// Follows a lifetime on a server until it settles (ends, waits for input, or is paused), as the embedded commands
/// wait for it: prints each record as it becomes durable (text output), and returns the lifetime as it stands then.
/// </summary>
internal static class RemoteFollow
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(250);

    public static bool IsSettled(LifetimeResource lifetime) => lifetime.Phase is "completed" or "failed" or "aborted" or "cancelled" or "waiting" or "paused";

    /// <param name="after">The last record already shown (0: none): the records after it are printed.</param>
    /// <param name="print">Whether to print the records (text output).</param>
    public static async Task<LifetimeResource> FollowAsync(CliIo io, AgenticClient client, string lifetimeId, long after, bool print, CancellationToken ct)
    {
        var last = after;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // The event stream ends with the lifetime; a lifetime that parks sends nothing more, so a watcher asks how it stands.
        var watcher = WatchAsync(client, lifetimeId, stop, ct);
        try
        {
            await foreach (var e in client.EventsAsync(lifetimeId, after, stop.Token).ConfigureAwait(false))
            {
                last = e.Record.Sequence;
                if (print)
                {
                    Print(io, e);
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // Settled: the watcher stopped the stream.
        }

        await stop.CancelAsync().ConfigureAwait(false);
        await watcher.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var lifetime = await client.GetAsync(lifetimeId, ct).ConfigureAwait(false);
        if (print && lifetime.LastSequence > last)
        {
            // Records made durable between the stream's stop and now.
            var page = await client.JournalAsync(lifetimeId, last + 1, 1000, ct).ConfigureAwait(false);
            foreach (var record in page.Records)
            {
                io.Console.MarkupLine($"[grey]{record.GetProperty("sequence").GetInt64(),5}[/] {Markup.Escape(RemoteViews.Describe(record))}");
            }
        }

        return lifetime;
    }

    private static void Print(CliIo io, LifetimeEvent e)
    {
        var r = e.Record;
        io.Console.MarkupLine($"[grey]{r.Sequence,5}[/] {Markup.Escape($"{e.Kind,-7} {r.Node ?? r.Kind,-16} {r.Phase}{(r.TokensUsed > 0 ? $" ({UsageText.Spend(r.TokensUsed, r.CostUsd)})" : string.Empty)}")}");
    }

    private static async Task WatchAsync(AgenticClient client, string lifetimeId, CancellationTokenSource stop, CancellationToken ct)
    {
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(CheckEvery, stop.Token).ConfigureAwait(false);
            var lifetime = await client.GetAsync(lifetimeId, ct).ConfigureAwait(false);
            if (IsSettled(lifetime) && !IsEnded(lifetime))
            {
                // Parked: nothing more will come. (An ended lifetime's stream ends by itself with its done event.)
                await stop.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
    }

    private static bool IsEnded(LifetimeResource lifetime) => lifetime.Phase is "completed" or "failed" or "aborted" or "cancelled";
}
