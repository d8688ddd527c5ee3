using System.CommandLine;
using Agentic.Client;

namespace Agentic.Cli.Remote;

/// <summary>
/// <c>--server URL [--api-key KEY]</c>: a command given a server works on that server's API, as the key's tenant,
/// instead of on the local journal (the key defaults to the environment variable <c>AGENTIC_API_KEY</c>).
/// </summary>
internal sealed class RemoteTarget
{
    public const string ApiKeyVariable = "AGENTIC_API_KEY";

    public Option<string?> Server { get; } = new("--server") { Description = "work on an Agentic server (its base URL, e.g. http://127.0.0.1:8080) instead of the local journal, as the API key's tenant" };

    public Option<string?> ApiKey { get; } = new("--api-key") { Description = $"the tenant API key for --server (default: ${ApiKeyVariable})" };

    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(ApiKey);
    }

    /// <summary>The server's base URL and the key, or null when no server was given (an embedded command).</summary>
    public (Uri Url, string Key)? Read(ParseResult parse)
    {
        if (parse.GetValue(Server) is not { } text)
        {
            return parse.GetValue(ApiKey) is null ? null : throw new CliInputException("--api-key is for --server: give the server's URL too");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            throw new CliInputException($"--server '{text}' is not an http or https URL (e.g. http://127.0.0.1:8080)");
        }

        var key = parse.GetValue(ApiKey) ?? Environment.GetEnvironmentVariable(ApiKeyVariable)
            ?? throw new CliInputException($"--server needs a tenant API key: --api-key, or the environment variable {ApiKeyVariable}");
        return (url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/"), key);
    }

    /// <summary>A client of the server, or null when no server was given.</summary>
    public AgenticClient? Open(ParseResult parse) => Read(parse) is { } target ? new AgenticClient(target.Url, target.Key) : null;
}
