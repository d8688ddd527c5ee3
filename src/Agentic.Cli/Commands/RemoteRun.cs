using System.Globalization;
using System.Text.Json;
using Agentic.Client;
using Agentic.Core.Execution;
using Agentic.Core.Graphs;
using Agentic.Cli.Remote;
using Spectre.Console;

namespace Agentic.Cli.Commands;

/// <summary>
/// <c>agentic run --server URL</c>: the same run on a server, through <see cref="AgenticClient"/>: publishes the graph
/// (for the key's tenant), starts a lifetime, prints each record as it becomes durable, and ends as an embedded run
/// does (the outcome, or a parked lifetime's hint, with the same exit codes).
/// </summary>
internal static class RemoteRun
{
    public static async Task<int> RunAsync(CliIo io, Uri server, string apiKey, AgentGraph graph, Payload input, int? iterationCap, bool json, CancellationToken ct)
    {
        using var client = new AgenticClient(server, apiKey);
        await client.PublishGraphAsync(graph.CanonicalJson, "application/json", ct).ConfigureAwait(false);
        using var inputJson = JsonDocument.Parse(input.ToJsonString());
        var started = await client.StartAsync(new StartLifetimeRequest(graph.Name, graph.Version.ToString(), inputJson.RootElement.Clone(), null, iterationCap), ct).ConfigureAwait(false);
        if (!json)
        {
            io.Console.MarkupLine(Markup.Escape($"lifetime {started.Id} of {graph} on {server}"));
        }

        var lifetime = await RemoteFollow.FollowAsync(io, client, started.Id, 0, !json, ct).ConfigureAwait(false);
        if (json)
        {
            io.Output.WriteLine(JsonSerializer.Serialize(new
            {
                lifetime_id = lifetime.Id,
                graph = lifetime.Graph,
                version = lifetime.Version,
                status = lifetime.Phase,
                result = lifetime.Result,
                reason = lifetime.Reason,
                executions = lifetime.Executions,
                iterations = lifetime.Iterations,
                tokens_used = lifetime.TokensUsed,
                cost_usd = lifetime.CostUsd,
            }));
        }
        else
        {
            io.Console.MarkupLine(Markup.Escape($"{lifetime.Phase}: {lifetime.Result?.GetRawText() ?? lifetime.Reason ?? string.Empty} ({lifetime.Executions.ToString(CultureInfo.InvariantCulture)} executions, {UsageText.Spend(lifetime.TokensUsed, lifetime.CostUsd)})"));
            foreach (var awaited in lifetime.Awaiting.Where(a => a.Phase == "waiting"))
            {
                io.Console.MarkupLine(Markup.Escape($"lifetime {lifetime.Id} waits for input to {awaited.Node}: POST {server}v1/lifetimes/{lifetime.Id}/inputs/{awaited.ExecutionId}"));
            }
        }

        return lifetime.Phase switch
        {
            "completed" => ExitCodes.Completed,
            "waiting" or "paused" => ExitCodes.Parked,
            _ => ExitCodes.FailedOrAborted,
        };
    }
}
