using Agentic.Cli.Remote;
using System.CommandLine;
using Agentic.Core.Execution;
using Agentic.Orleans;
using Agentic.Runtime.Hosting;
using Agentic.Runtime.Lifetimes;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary>
/// <c>agentic resume</c>: re-activates every unfinished lifetime in the journal (crash recovery) and runs them until
/// each ends, waits for input or is paused. <c>agentic resume &lt;id&gt;</c>: resumes one paused lifetime.
/// </summary>
internal static class ResumeCommand
{
    public static Command Create(CliIo io)
    {
        var idArg = new Argument<string?>("lifetime-id") { Description = "a paused lifetime to resume (omit to recover every unfinished lifetime)", Arity = ArgumentArity.ZeroOrOne, HelpName = "lifetime-id (optional)" };
        var db = CliOptions.Db();
        var output = CliOptions.Output();
        var reason = CliOptions.Reason();
        var by = CliOptions.By();
        var command = new Command("resume", "Recover every unfinished lifetime after a crash, or resume one paused lifetime") { idArg, db, output, reason, by };
        var remote = new RemoteTarget();
        remote.AddTo(command);
        command.SetAction((parse, ct) => CommandErrors.Guard(io, async () =>
        {
            var path = parse.GetValue(db)!;
            var json = parse.GetValue(output) == "json";
            if (remote.Open(parse) is { } client)
            {
                // A server recovers its lifetimes by itself: only resuming a paused one is asked of it.
                var paused = parse.GetValue(idArg) ?? throw new CliInputException("resume --server needs the paused lifetime's id (a server recovers its unfinished lifetimes by itself)");
                return await RemoteLifetimes.ActAsync(io, client, c => c.ResumeAsync(paused, parse.GetValue(by), parse.GetValue(reason), ct), json, doneAsAsked: false, ct).ConfigureAwait(false);
            }

            if (parse.GetValue(idArg) is { } id)
            {
                await using var one = await CliRuntime.SiloForAsync(path, id, ct).ConfigureAwait(false);
                var lifetime = one.Grains.GetGrain<IAgentLifetimeGrain>(id);
                await GrainStates.Call(() => lifetime.ResumeAsync(parse.GetValue(by)!, parse.GetValue(reason))).ConfigureAwait(false);
                return LifetimeOutput.Print(io, GrainStates.ToView(await lifetime.WhenSettledAsync().WaitAsync(ct).ConfigureAwait(false)), json);
            }

            return await RecoverAllAsync(io, path, json, ct).ConfigureAwait(false);
        }));
        return command;
    }

    /// <summary>
    /// Every unfinished lifetime, each under the policies and prices it was started with (one runtime per distinct
    /// set), each in isolation: one that cannot be re-activated is reported (and marked failed when it never can be)
    /// while the others recover.
    /// </summary>
    private static async Task<int> RecoverAllAsync(CliIo io, string path, bool json, CancellationToken ct)
    {
        var started = TimeProvider.System.GetTimestamp();
        IReadOnlyList<string> unfinished;
        var groups = new Dictionary<LifetimeSettings, List<string>>();
        await using (var listing = CliRuntime.Open(path))
        {
            unfinished = await listing.Journal.ListUnfinishedAsync(ct).ConfigureAwait(false);
            foreach (var id in unfinished)
            {
                var settings = await CliRuntime.SettingsOfAsync(listing.Journal, path, id, ct).ConfigureAwait(false);
                (groups.TryGetValue(settings, out var ids) ? ids : groups[settings] = []).Add(id);
            }
        }

        if (!json)
        {
            io.Console.MarkupLine($"recovering {unfinished.Count} unfinished lifetime(s) from {Markup.Escape(path)}");
        }

        var views = new List<LifetimeView>();
        var failures = new List<RecoveryFailure>();
        foreach (var (settings, ids) in groups)
        {
            CliSilo silo;
            try
            {
                silo = await CliRuntime.SiloAsync(path, settings).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is LifetimeSettingsException or Core.Guardrails.PolicyValidationException or InvalidDataException)
            {
                failures.AddRange(ids.Select(id => new RecoveryFailure(id, ex.Message, MarkedFailed: false)));
                continue;
            }

            await using (silo)
            {
                // Each lifetime on its own: one that cannot be re-activated never keeps the others from recovering.
                var activated = await silo.Grains.ActivateLifetimesAsync(ids, ct).ConfigureAwait(false);
                foreach (var (id, error) in activated.Where(a => a.Value is not null))
                {
                    // Whether the grain marked it failed is in the journal, not in the wording of the refusal.
                    failures.Add(new RecoveryFailure(id, error!.Message, await EndedFailedAsync(silo.Journal, id, ct).ConfigureAwait(false)));
                }

                var recovered = ids.Where(id => activated[id] is null).Select(id => silo.Grains.GetGrain<IAgentLifetimeGrain>(id)).ToList();
                var progress = json ? null : new RecoveryProgress(io, recovered.Count);
                views.AddRange(await Task.WhenAll(recovered.Select(async lifetime =>
                {
                    var view = GrainStates.ToView(await lifetime.WhenSettledAsync().WaitAsync(ct).ConfigureAwait(false));
                    progress?.Settled();
                    return view;
                })).ConfigureAwait(false));
            }
        }

        foreach (var failure in failures)
        {
            io.ErrorConsole.MarkupLine($"[red]not recovered[/] {Markup.Escape(failure.LifetimeId)}: {Markup.Escape(failure.Reason)}");
        }

        var code = SettledSummary.Print(io, views, TimeProvider.System.GetElapsedTime(started), json, "recovered", "recovered", "recovery_ms", listLifetimes: true, failures);
        // A lifetime that could not be recovered is a failure, whatever the others did.
        return failures.Count > 0 ? ExitCodes.FailedOrAborted : code;
    }

    private static async Task<bool> EndedFailedAsync(Runtime.Journal.IJournalStore journal, string lifetimeId, CancellationToken ct)
    {
        JournalEntry? last = null;
        await foreach (var record in journal.ReadAsync(lifetimeId, 1, ct).ConfigureAwait(false))
        {
            last = record;
        }

        return last is LifetimeEndedEntry { Phase: ExecutionPhase.Failed };
    }

    /// <summary>A line every second while lifetimes settle, so that a long recovery shows it is moving.</summary>
    private sealed class RecoveryProgress(CliIo io, int total)
    {
        private int _settled;
        private long _lastPrinted = TimeProvider.System.GetTimestamp();

        public void Settled()
        {
            var settled = Interlocked.Increment(ref _settled);
            var now = TimeProvider.System.GetTimestamp();
            var last = Interlocked.Read(ref _lastPrinted);
            if ((settled == total && total > 1) || (TimeProvider.System.GetElapsedTime(last, now) >= TimeSpan.FromSeconds(1) && Interlocked.CompareExchange(ref _lastPrinted, now, last) == last))
            {
                io.ErrorConsole.MarkupLine($"[grey]{settled}/{total} settled[/]");
            }
        }
    }
}
