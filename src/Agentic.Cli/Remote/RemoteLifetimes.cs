using Agentic.Client;

namespace Agentic.Cli.Remote;

/// <summary>A lifetime command on a server (pause, abort, resume, input, fork): the command, then the lifetime followed until it settles, printed as the embedded command prints it.</summary>
internal static class RemoteLifetimes
{
    /// <param name="act">The command; returns the lifetime it acted on (a fork: the new one) as it stands right after.</param>
    /// <param name="doneAsAsked">Exit 0 whatever the lifetime's end (abort: an aborted lifetime is what was asked for).</param>
    public static async Task<int> ActAsync(CliIo io, AgenticClient client, Func<AgenticClient, Task<LifetimeResource>> act, bool json, bool doneAsAsked, CancellationToken ct)
    {
        using (client)
        {
            var acted = await act(client).ConfigureAwait(false);
            var settled = RemoteFollow.IsSettled(acted) ? acted : await RemoteFollow.FollowAsync(io, client, acted.Id, acted.LastSequence, !json, ct).ConfigureAwait(false);
            var code = LifetimeOutput.Print(io, RemoteViews.ToView(settled), json);
            return doneAsAsked ? ExitCodes.Completed : code;
        }
    }
}
